/**
 * A dedupe store's optional `release` is called with the key of an event whose `onEvent` failed,
 * so a store that claims keys lets a redelivery run the event at once; a `release` that fails in
 * any way is reported and changes nothing else.
 */
import { err, errAsync, okAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import { connectChange, delivery } from "wacall/testing";
import { createWebhookHandler, eventKey, memoryDedupeStore, signBody, type CallEvent, type DedupeStore, type WebhookHandlerProblem } from "wacall/webhook";

const SECRET = "release-app-secret-7d2e0b";
const T = Date.UTC(2026, 10, 25);
const connectA = connectChange({ callId: "wacid.R", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T });
const boom = new Error("database down");

/** A memory store whose `release` (given as `release`, any value) is observed. */
function recordingStore(release: unknown = () => undefined) {
  const inner = memoryDedupeStore();
  const released: string[] = [];
  const store = {
    isHandled: (k: string) => inner.isHandled(k),
    markHandled: (k: string) => inner.markHandled(k),
    release: typeof release === "function" ? (k: string): unknown => (released.push(k), (release as (k: string) => unknown)(k)) : release,
  };
  return { store: store as DedupeStore, released };
}

/** Posts one signed delivery of `connectA` to a Fetch handler; resolves to the status and what happened. */
async function deliver(options: { store: DedupeStore; awaitHandlers: boolean; onEvent: (e: CallEvent) => void | Promise<void> }) {
  const problems: WebhookHandlerProblem[] = [];
  const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", dedupe: options.store, awaitHandlers: options.awaitHandlers, onEvent: options.onEvent, onError: (p) => void problems.push(p) });
  const body = JSON.stringify(delivery([connectA]));
  const response = await handler(new Request("http://127.0.0.1/webhook", { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, SECRET) } }));
  return { status: response.status, problems };
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

const failing = {
  throws: () => {
    throw boom;
  },
  rejects: () => Promise.reject(boom),
};

describe.each([
  { awaitHandlers: true, failedStatus: 500 },
  { awaitHandlers: false, failedStatus: 200 },
])("awaitHandlers: $awaitHandlers", ({ awaitHandlers, failedStatus }) => {
  it.each(Object.entries(failing))("onEvent that %s: release is called with the event's key", async (_, onEvent) => {
    const { store, released } = recordingStore();
    let seen: CallEvent | undefined;
    const r = await deliver({ store, awaitHandlers, onEvent: (e) => ((seen = e), onEvent()) });
    expect(r.status).toBe(failedStatus);
    await until(() => released.length > 0);
    expect(seen).toBeDefined();
    expect(released).toEqual([await eventKey(seen as CallEvent)]);
    expect(r.problems).toEqual([{ _tag: "HandlerFailed", event: seen, cause: boom }]);
  });

  it("onEvent that succeeds: release is not called", async () => {
    const { store, released } = recordingStore();
    let ran = 0;
    const r = await deliver({ store, awaitHandlers, onEvent: () => void ran++ });
    expect(r.status).toBe(200);
    await until(() => ran > 0);
    await new Promise((res) => setTimeout(res, 20));
    expect(ran).toBe(1);
    expect(released).toEqual([]);
    expect(r.problems).toEqual([]);
  });

  it("a store without release: the failure is reported once, nothing else", async () => {
    const inner = memoryDedupeStore();
    const r = await deliver({ store: { isHandled: (k) => inner.isHandled(k), markHandled: (k) => inner.markHandled(k) }, awaitHandlers, onEvent: failing.throws });
    expect(r.status).toBe(failedStatus);
    await until(() => r.problems.length > 0);
    await new Promise((res) => setTimeout(res, 20));
    expect(r.problems.map((p) => p._tag)).toEqual(["HandlerFailed"]);
  });

  const storeError = { _tag: "StoreUnavailable", message: "redis down" };
  const bad: Record<string, { release: unknown; cause: (c: unknown) => void }> = {
    "throws": { release: () => { throw boom; }, cause: (c) => expect(c).toBe(boom) },
    "rejects": { release: () => Promise.reject(boom), cause: (c) => expect(c).toBe(boom) },
    "resolves to a Result Err (ResultAsync)": { release: () => errAsync(storeError), cause: (c) => expect(c).toBe(storeError) },
    "returns a Result Err": { release: () => err(storeError), cause: (c) => expect(c).toBe(storeError) },
    "is not a function": { release: 42, cause: (c) => expect(c).toBeInstanceOf(TypeError) },
    "is a thenable whose then throws": { release: () => ({ then: () => { throw boom; } }), cause: (c) => expect(c).toBe(boom) },
  };
  it.each(Object.entries(bad))("release that %s: no throw, the answer unchanged, onError told", async (_, { release, cause }) => {
    const { store } = recordingStore(release);
    const r = await deliver({ store, awaitHandlers, onEvent: failing.rejects });
    expect(r.status).toBe(failedStatus);
    await until(() => r.problems.length >= 2);
    expect(r.problems.map((p) => p._tag)).toEqual(["HandlerFailed", "DedupeFailed"]);
    const reported = r.problems[1] as Extract<WebhookHandlerProblem, { _tag: "DedupeFailed" }>;
    expect(reported.event).toBe((r.problems[0] as Extract<WebhookHandlerProblem, { _tag: "HandlerFailed" }>).event);
    cause(reported.cause);
  });

  it("release that resolves to a Result Ok or a plain value: nothing reported beyond the failure", async () => {
    for (const release of [() => okAsync(undefined), () => Promise.resolve(0), () => ({ isErr: () => false }), () => ({ isErr: () => { throw boom; } })]) {
      const { store, released } = recordingStore(release);
      const r = await deliver({ store, awaitHandlers, onEvent: failing.throws });
      expect(r.status).toBe(failedStatus);
      await until(() => released.length > 0);
      await new Promise((res) => setTimeout(res, 10));
      expect(released).toHaveLength(1);
      expect(r.problems.map((p) => p._tag)).toEqual(["HandlerFailed"]);
    }
  });
});

it("with awaitHandlers, the 500 is answered only once release settled", async () => {
  let settle: () => void = () => undefined;
  const { store } = recordingStore(() => new Promise<void>((r) => (settle = r)));
  let answered = false;
  const pending = deliver({ store, awaitHandlers: true, onEvent: failing.throws }).then((r) => ((answered = true), r));
  await new Promise((res) => setTimeout(res, 50));
  expect(answered).toBe(false);
  settle();
  expect((await pending).status).toBe(500);
});
