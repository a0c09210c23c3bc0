import { afterEach, describe, expect, it } from "vitest";
import { answerIncomingCall, createCallingClient, ensureCallPermission, sdpOffer, settleOutcomeUnknown, type CallingClient, type OutcomeUnknown } from "wacall/client";
import type { CallConnect, CallEvent } from "wacall/webhook";
import { ANSWER, TOKEN, USER } from "./helpers.js";
import { rawServer, respond, type RawServer } from "./raw-server.js";

const servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const incoming = (extra: Record<string, unknown> = {}) =>
  ({ _tag: "CallConnect", callId: "wacid.IN", direction: "USER_INITIATED", timestamp: new Date(), to: USER, ...extra }) as unknown as CallConnect;

/** Calls a function that must neither throw nor reject, and returns its settled value. */
async function total<T>(run: () => PromiseLike<T> | T): Promise<T> {
  const [r] = await Promise.allSettled([Promise.resolve().then(run)]);
  expect(r?.status).toBe("fulfilled");
  return (r as PromiseFulfilledResult<T>).value;
}

describe("pipelines are total for hostile events, clocks and iterables", () => {
  it("answerIncomingCall with a clock that throws answers the call (Date.now decides the window)", async () => {
    const server = await rawServer((_req, socket) => respond(socket, 200, { "content-type": "application/json" }, JSON.stringify({ success: true })));
    servers.push(server);
    const client = createCallingClient({ baseUrl: server.url, accessToken: TOKEN, phoneNumberId: "1" });
    const clock = () => {
      throw new Error("clock broke");
    };
    const r = await total(() => answerIncomingCall(client, incoming(), ANSWER, { clock }));
    expect(r._unsafeUnwrap()).toBe("wacid.IN");
    expect(server.requests).toHaveLength(2);
  });

  it("answerIncomingCall with an event whose getters throw is NotAnIncomingCall, and nothing is sent", async () => {
    const server = await rawServer((_req, socket) => respond(socket, 200, {}, "{}"));
    servers.push(server);
    const client = createCallingClient({ baseUrl: server.url, accessToken: TOKEN, phoneNumberId: "1" });
    const event = new Proxy(incoming(), {
      get: () => {
        throw new Error("hostile event");
      },
    });
    const r = await total(() => answerIncomingCall(client, event, ANSWER));
    expect(r._unsafeUnwrapErr()).toMatchObject({ _tag: "NotAnIncomingCall" });
    expect(server.connections).toBe(0);
  });

  it("settleOutcomeUnknown over an iterable that throws part-way keeps what it saw", async () => {
    const outcome = { _tag: "OutcomeUnknown", to: USER, bizOpaqueCallbackData: "k" } as OutcomeUnknown;
    const placed = { _tag: "CallStatus", callId: "wacid.P", recipientId: USER, bizOpaqueCallbackData: "k" } as unknown as CallEvent;
    function* events(): Generator<CallEvent> {
      yield placed;
      yield new Proxy(placed, {
        get: () => {
          throw new Error("hostile event");
        },
      });
      throw new Error("the stream broke");
    }
    const r = await total(() => settleOutcomeUnknown(outcome, events()));
    expect(r._unsafeUnwrap()).toMatchObject({ _tag: "CallPlaced", callId: "wacid.P" });
    const none = await total(() =>
      settleOutcomeUnknown(outcome, {
        [Symbol.iterator]: () => {
          throw new Error("no iterator");
        },
      }),
    );
    expect(none._unsafeUnwrapErr()).toMatchObject({ _tag: "StillUnknown", reason: "no-matching-event" });
  });

  it("a client that is not one (missing methods, throwing, not returning a Result) gives InvalidInput on client", async () => {
    const broken = [null, {}, { getCallPermissions: () => 42, preAccept: () => 42 }, { getCallPermissions: () => { throw new Error("x"); }, preAccept: () => Promise.reject(new Error("y")) }];
    for (const client of broken) {
      const a = await total(() => ensureCallPermission(client as unknown as CallingClient, { user: USER, requestBody: "May we call?" }));
      expect(a._unsafeUnwrapErr()).toMatchObject({ _tag: "InvalidInput", field: "client" });
      const b = await total(() => answerIncomingCall(client as unknown as CallingClient, incoming(), ANSWER));
      expect(b._unsafeUnwrapErr()).toMatchObject({ _tag: "InvalidInput", field: "client" });
    }
  });

  it("settleOutcomeUnknown over an endless iterable returns (bounded), and sdpOffer of a non-string is printable", async () => {
    const outcome = { _tag: "OutcomeUnknown", to: USER, bizOpaqueCallbackData: "k" } as OutcomeUnknown;
    const endless = { *[Symbol.iterator]() { for (;;) yield 1 as unknown as CallEvent; } };
    const r = await total(() => settleOutcomeUnknown(outcome, endless));
    expect(r._unsafeUnwrapErr().reason).toBe("no-matching-event");
    expect(() => JSON.stringify(sdpOffer(10n as unknown as string))).not.toThrow();
  });
});
