import { afterEach, describe, expect, it } from "vitest";
import { createCallingClient, type CallingClientOptions, type ConnectInput } from "wacall/client";
import { OFFER, TOKEN, USER } from "./helpers.js";
import { graphErrorBody, rawServer, respond, type RawHandler, type RawServer } from "./raw-server.js";

const SUCCESS = JSON.stringify({ messaging_product: "whatsapp", calls: [{ id: "wacid.OK" }] });
const PERMISSIONS = JSON.stringify({ messaging_product: "whatsapp", permission: { status: "granted" } });
const fast = { timeoutMs: 1_000, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 3_000 } } as const;

/** An object every property read, call or prototype look-up of which throws. */
const hostile = <T extends object>(): T =>
  new Proxy({} as T, {
    get: () => {
      throw new Error(`hostile read ${TOKEN}`);
    },
    getPrototypeOf: () => {
      throw new Error("hostile prototype");
    },
    has: () => {
      throw new Error("hostile has");
    },
    ownKeys: () => {
      throw new Error("hostile keys");
    },
  });

const servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(handler: RawHandler): Promise<RawServer> {
  const s = await rawServer(handler);
  servers.push(s);
  return s;
}

/** Fails once with `first`, then answers `then`. */
function onceThen(first: [number, Record<string, string>, string], then: string): RawHandler {
  let n = 0;
  return (_req, socket) => (n++ === 0 ? respond(socket, ...first) : respond(socket, 200, { "content-type": "application/json" }, then));
}

/** Settles (never rejects) within the time limit; returns the settled state. */
async function settle<T>(p: PromiseLike<T>, ms = 5_000): Promise<PromiseSettledResult<T>> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("did not settle")), ms));
  const [r] = await Promise.allSettled([Promise.race([Promise.resolve(p), timeout])]);
  return r!;
}

const value = <T>(r: PromiseSettledResult<T>): T => {
  expect(r.status).toBe("fulfilled");
  return (r as PromiseFulfilledResult<T>).value;
};

const client = (server: RawServer, extra: Partial<CallingClientOptions> = {}) =>
  createCallingClient({ baseUrl: server.url, accessToken: TOKEN, phoneNumberId: "1", ...fast, ...extra });

describe("hostile clocks and random sources", () => {
  it("a clock that throws: the 429 with Retry-After is waited out and retried", async () => {
    const server = await serve(onceThen([429, { "retry-after": "0", "content-type": "application/json" }, graphErrorBody({ code: 130429, message: "slow down" })], PERMISSIONS));
    const r = value(await settle(client(server, { clock: () => { throw new Error("clock broke"); } }).getCallPermissions({ userWaId: USER })));
    expect(r.isOk(), JSON.stringify(r)).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it("a clock that returns NaN behaves like Date.now", async () => {
    const server = await serve(onceThen([429, { "retry-after": "0", "content-type": "application/json" }, graphErrorBody({ code: 130429, message: "slow down" })], PERMISSIONS));
    const r = value(await settle(client(server, { clock: () => Number.NaN }).getCallPermissions({ userWaId: USER })));
    expect(r.isOk(), JSON.stringify(r)).toBe(true);
  });

  it("a random source that throws: the backoff still waits and retries", async () => {
    const server = await serve(onceThen([500, { "content-type": "application/json" }, graphErrorBody({ code: 131000, message: "oops" })], PERMISSIONS));
    const r = value(await settle(client(server, { random: () => { throw new Error("no entropy"); } }).getCallPermissions({ userWaId: USER })));
    expect(r.isOk(), JSON.stringify(r)).toBe(true);
    expect(server.requests).toHaveLength(2);
  });
});

describe("hostile transports", () => {
  it("a fetch that throws synchronously is a value: OutcomeUnknown on connect, NetworkError elsewhere", async () => {
    const fetch = (() => {
      throw new TypeError(`sync failure with ${TOKEN}`);
    }) as unknown as typeof globalThis.fetch;
    const c = createCallingClient({ accessToken: TOKEN, phoneNumberId: "1", fetch, ...fast });
    const connect = value(await settle(c.connect({ to: USER, sdp: OFFER })))._unsafeUnwrapErr();
    expect(connect).toMatchObject({ _tag: "OutcomeUnknown", attempts: 1 });
    const lookup = value(await settle(c.getCallPermissions({ userWaId: USER })))._unsafeUnwrapErr();
    expect(lookup._tag).toBe("NetworkError");
    expect(JSON.stringify([connect, lookup])).not.toContain(TOKEN);
  });

  it.each([
    ["a number", 42],
    ["null", null],
    ["a plain object", {}],
    ["a status out of range", { status: 4242 }],
  ])("a fetch that returns %s ends in one NetworkError (OutcomeUnknown on connect), not retried", async (_name, answer) => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      return answer;
    }) as unknown as typeof globalThis.fetch;
    const c = createCallingClient({ accessToken: TOKEN, phoneNumberId: "1", fetch, ...fast });
    const e = value(await settle(c.terminate({ callId: "wacid.X" as never })))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "NetworkError", attempts: 1, retryable: false, message: "fetch did not return a Response" });
    expect(calls).toBe(1);
    const u = value(await settle(c.connect({ to: USER, sdp: OFFER })))._unsafeUnwrapErr();
    expect(u).toMatchObject({ _tag: "OutcomeUnknown", cause: "unreadable-response", attempts: 1 });
  });

  it("a fetch that resolves to an object that throws on every read (even `then`) ends in a value without the token", async () => {
    const fetch = (async () => hostile()) as unknown as typeof globalThis.fetch;
    const c = createCallingClient({ accessToken: TOKEN, phoneNumberId: "1", fetch, ...fast });
    const e = value(await settle(c.terminate({ callId: "wacid.X" as never })))._unsafeUnwrapErr();
    expect(e._tag).toBe("NetworkError");
    const u = value(await settle(c.connect({ to: USER, sdp: OFFER })))._unsafeUnwrapErr();
    expect(u).toMatchObject({ _tag: "OutcomeUnknown", attempts: 1 });
    expect(JSON.stringify([e, u])).not.toContain(TOKEN);
  });

  it("response headers whose get throws: the Graph error is still decoded", async () => {
    const server = await serve((_req, socket) => respond(socket, 400, { "content-type": "application/json", "retry-after": "1" }, graphErrorBody({ code: 138006, message: "no permission" })));
    const fetch = (async (url: string, init: RequestInit) => {
      const res = await globalThis.fetch(url, init);
      Object.defineProperty(res, "headers", { value: hostile<Headers>() });
      return res;
    }) as unknown as typeof globalThis.fetch;
    const e = value(await settle(client(server, { fetch }).connect({ to: USER, sdp: OFFER })))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "CallPermissionNotFound", httpStatus: 400, attempts: 1 });
  });
});

describe("hostile signals, inputs and options", () => {
  it("a signal whose every getter throws is ignored: the call completes", async () => {
    const server = await serve((_req, socket) => respond(socket, 200, { "content-type": "application/json" }, SUCCESS));
    const r = value(await settle(client(server).connect({ to: USER, sdp: OFFER }, { signal: hostile<AbortSignal>() })));
    expect(r._unsafeUnwrap()).toBe("wacid.OK");
  });

  it("call options whose signal getter throws are ignored", async () => {
    const server = await serve((_req, socket) => respond(socket, 200, { "content-type": "application/json" }, SUCCESS));
    const r = value(await settle(client(server).connect({ to: USER, sdp: OFFER }, hostile())));
    expect(r._unsafeUnwrap()).toBe("wacid.OK");
  });

  it("an abort reason that throws when read is still Aborted, with an unreadable reason", async () => {
    const server = await serve(() => {}); // never answers
    const controller = new AbortController();
    const pending = client(server).getCallPermissions({ userWaId: USER }, { signal: controller.signal });
    setTimeout(() => controller.abort(hostile()), 50);
    const e = value(await settle(pending))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "Aborted", sent: true });
    expect(JSON.stringify(e)).not.toContain(TOKEN);
  });

  it("an input whose getters throw is InvalidInput, and no request is sent", async () => {
    const server = await serve((_req, socket) => respond(socket, 200, {}, SUCCESS));
    const input = {
      get to(): string {
        throw new Error("no");
      },
      sdp: OFFER,
    } as unknown as ConnectInput;
    const calls: (() => unknown)[] = [
      () => client(server).connect(input),
      () => client(server).connect(hostile()),
      () => client(server).updateCallingSettings(hostile()),
      () => client(server).updateCallingSettings({ callHours: { status: "ENABLED", timezoneId: "UTC", weeklyOperatingHours: [null as never] } }),
    ];
    for (const call of calls) {
      // A synchronous throw from the method would turn into a rejection here.
      const result = await settle(Promise.resolve().then(call));
      expect(value(result)).toMatchObject({ error: { _tag: "InvalidInput", attempts: 0 } });
    }
    expect(server.connections).toBe(0);
  });

  it("the same input read twice cannot differ: what is checked is what is sent", async () => {
    const server = await serve((_req, socket) => respond(socket, 200, { "content-type": "application/json" }, SUCCESS));
    let reads = 0;
    const input = {
      get bizOpaqueCallbackData() {
        return reads++ === 0 ? "fine" : "x".repeat(10_000);
      },
      to: USER,
      sdp: OFFER,
    } as ConnectInput;
    const r = value(await settle(client(server).connect(input)));
    expect(r.isOk()).toBe(true);
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({ biz_opaque_callback_data: "fine" });
  });

  it("options that throw when read make every method return InvalidInput, never throw", async () => {
    let made: ReturnType<typeof createCallingClient> | undefined;
    expect(() => {
      made = createCallingClient(hostile());
    }).not.toThrow();
    const e = value(await settle(made!.getCallingSettings()))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field: "options" });
    expect(JSON.stringify(e)).not.toContain(TOKEN);
  });
});

describe("failures that prove nothing left, on every runtime", () => {
  const shapes: [string, () => unknown, boolean][] = [
    ["Node/undici: TypeError with cause.code ECONNREFUSED", () => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" }) }), true],
    ["Node: AggregateError cause (happy eyeballs)", () => Object.assign(new TypeError("fetch failed"), { cause: new AggregateError([Object.assign(new Error("connect ECONNREFUSED ::1:443"), { code: "ECONNREFUSED" })]) }), true],
    ["Node/undici: connect timeout", () => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("Connect Timeout Error"), { code: "UND_ERR_CONNECT_TIMEOUT" }) }), true],
    ["Bun: code ConnectionRefused", () => Object.assign(new Error("Unable to connect. Is the computer able to access the url?"), { code: "ConnectionRefused", path: "https://graph.facebook.com/" }), true],
    ["Bun: code FailedToOpenSocket", () => Object.assign(new Error("Was there a typo in the url or port?"), { code: "FailedToOpenSocket" }), true],
    ["Deno: TypeError, tcp connect error", () => new TypeError("error sending request for url (https://graph.facebook.com/v23.0/1/calls): client error (Connect): tcp connect error: Connection refused (os error 111)"), true],
    ["Deno: TypeError, dns error", () => new TypeError("error sending request for url (https://graph.facebook.com/): client error (Connect): dns error: failed to lookup address information: Name or service not known"), true],
    ["Deno: ConnectionRefused class name only in the message", () => Object.assign(new Error("Connection refused (os error 111)"), { name: "ConnectionRefused" }), true],
    ["workerd: connect ECONNREFUSED", () => new Error("connect ECONNREFUSED 127.0.0.1:8787"), true],
    ["workerd: Network connection lost (may have been sent)", () => new Error("Network connection lost."), false],
    ["Deno: SendRequest failure (may have been sent)", () => new TypeError("error sending request from 127.0.0.1:50472 for http://x/ (127.0.0.1:4444): client error (SendRequest): connection closed before message completed"), false],
    ["Node/undici: other side closed (may have been sent)", () => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) }), false],
  ];

  it.each(shapes)("%s", async (_name, make, notSent) => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      throw make();
    }) as unknown as typeof globalThis.fetch;
    const c = createCallingClient({ accessToken: TOKEN, phoneNumberId: "1", fetch, ...fast, retry: { ...fast.retry, maxAttempts: 2 } });
    const e = value(await settle(c.connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "rt" })))._unsafeUnwrapErr();
    if (notSent) {
      expect(e).toMatchObject({ _tag: "NetworkError", notSent: true, attempts: 2 });
      expect(calls).toBe(2);
    } else {
      expect(e).toMatchObject({ _tag: "OutcomeUnknown", cause: "reset", bizOpaqueCallbackData: "rt", attempts: 1 });
      expect(calls).toBe(1);
    }
  });
});
