import { afterEach, describe, expect, it } from "vitest";
import { asCallId, type Operation } from "wacall";
import { createCallingClient, type CallingClient } from "wacall/client";
import type { FakeCallingApi, Fault } from "wacall/testing";
import { ANSWER, closedPort, fast, leaksNothing, OFFER, sent, setup, TOKEN, USER } from "./helpers.js";

type Run = (client: CallingClient, fake: FakeCallingApi) => Promise<{ isOk(): boolean; error?: unknown; value?: unknown }>;

/** How to exercise each operation against a fake in the right state. */
const operations: Partial<Record<Operation, Run>> = {
  connect: async (c, f) => {
    f.grantPermission(USER);
    return await c.connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "ticket-7" });
  },
  accept: async (c, f) => await c.accept({ callId: asCallId(f.incomingCall(USER))._unsafeUnwrap(), sdp: ANSWER }),
  terminate: async (c, f) => await c.terminate({ callId: asCallId(f.incomingCall(USER))._unsafeUnwrap() }),
  get_call_permissions: async (c) => await c.getCallPermissions({ userWaId: USER }),
  send_call_permission_request: async (c) => await c.sendCallPermissionRequest({ to: USER, body: "May we call you?" }),
  update_settings: async (c) => await c.updateCallingSettings({ status: "ENABLED" }),
};

type Expect = { ok: true; attempts: number } | { tag: string; attempts: number; extra?: Record<string, unknown> };

/** What each fault must lead to, per operation. */
const matrix: { name: string; fault: Fault; times?: number; expect: (op: Operation) => Expect }[] = [
  { name: "delay below the timeout", fault: { kind: "delay", ms: 30 }, expect: () => ({ ok: true, attempts: 1 }) },
  {
    name: "hang",
    fault: { kind: "hang" },
    expect: (op) => (op === "connect" ? { tag: "OutcomeUnknown", attempts: 1, extra: { cause: "timeout", bizOpaqueCallbackData: "ticket-7" } } : { ok: true, attempts: 2 }),
  },
  {
    name: "reset before processing",
    fault: { kind: "reset-before-processing" },
    expect: (op) => (op === "connect" ? { tag: "OutcomeUnknown", attempts: 1, extra: { cause: "reset" } } : { ok: true, attempts: 2 }),
  },
  {
    name: "reset after processing",
    fault: { kind: "reset-after-processing" },
    expect: (op) =>
      op === "connect"
        ? { tag: "OutcomeUnknown", attempts: 1, extra: { cause: "reset", to: USER } }
        : op === "terminate"
          ? { tag: "InvalidParameter", attempts: 2 } // the first attempt ended the call
          : { ok: true, attempts: 2 },
  },
  {
    name: "reset in the middle of the response",
    fault: { kind: "reset-mid-response" },
    expect: (op) =>
      op === "connect"
        ? { tag: "OutcomeUnknown", attempts: 1, extra: { cause: "reset" } }
        : op === "terminate"
          ? { tag: "InvalidParameter", attempts: 2 }
          : { ok: true, attempts: 2 },
  },
  {
    name: "HTML 502 from a proxy",
    fault: { kind: "html", status: 502 },
    expect: (op) => (op === "connect" ? { tag: "OutcomeUnknown", attempts: 1, extra: { cause: "unreadable-response" } } : { ok: true, attempts: 2 }),
  },
  {
    name: "truncated JSON on 200",
    fault: { kind: "truncated-json" },
    expect: (op) =>
      op === "connect"
        ? { tag: "OutcomeUnknown", attempts: 1, extra: { cause: "unreadable-response" } }
        : { tag: "MalformedResponse", attempts: 1, extra: { reason: "invalid-json", httpStatus: 200 } },
  },
  {
    name: "200 with success: false",
    fault: { kind: "success-false" },
    expect: () => ({ tag: "MalformedResponse", attempts: 1, extra: { reason: "success-false" } }),
  },
  { name: "429 with Retry-After: 0", fault: { kind: "rate-limit", retryAfterSeconds: 0 }, expect: () => ({ ok: true, attempts: 2 }) },
  {
    name: "429 with Retry-After beyond the deadline",
    fault: { kind: "rate-limit", retryAfterSeconds: 3600 },
    expect: () => ({ tag: "ThroughputLimit", attempts: 1, extra: { httpStatus: 429 } }),
  },
  {
    // A 5xx does not prove the call was not placed: connect is not sent again.
    name: "a transient 131000 once",
    fault: { kind: "error", code: 131000, status: 500 },
    expect: (op) =>
      op === "connect"
        ? { tag: "OutcomeUnknown", attempts: 1, extra: { cause: "server-error", httpStatus: 500, error: expect.objectContaining({ _tag: "SomethingWentWrong", code: 131000 }) } }
        : { ok: true, attempts: 2 },
  },
  {
    name: "a transient 131000 every time",
    fault: { kind: "error", code: 131000, status: 500 },
    times: 10,
    expect: (op) =>
      op === "connect"
        ? { tag: "OutcomeUnknown", attempts: 1, extra: { cause: "server-error", bizOpaqueCallbackData: "ticket-7" } }
        : { tag: "SomethingWentWrong", attempts: 3 },
  },
];

let current: FakeCallingApi | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe("fault matrix: every fault × the operations it matters for", () => {
  const scenarios = matrix.flatMap((m) => Object.keys(operations).map((op) => [m.name, op as Operation, m] as const));
  it("has at least 30 scenarios", () => expect(scenarios.length).toBeGreaterThanOrEqual(30));

  it.each(scenarios)("%s on %s", async (_name, op, m) => {
    const { fake, client } = await setup({ limits: { permissionRequestsPerDay: 10, permissionRequestsPerWeek: 10 } });
    current = fake;
    fake.fault(m.fault, { operation: op, times: m.times ?? 1 });
    const run = operations[op]!;
    const result = await run(client, fake);
    const want = m.expect(op);
    if ("ok" in want) {
      expect(result.isOk(), JSON.stringify(result.error)).toBe(true);
      expect(sent(fake, op)).toBe(want.attempts);
    } else {
      expect(result.isOk()).toBe(false);
      expect(result.error).toMatchObject({ _tag: want.tag, attempts: want.attempts, operation: op, ...want.extra });
      expect(sent(fake, op)).toBe(want.attempts);
      expect(leaksNothing(result.error)).toBe(true);
    }
    if (op === "connect") {
      // connect is never sent twice after an ambiguous failure.
      const ambiguous = !("ok" in want) && want.tag === "OutcomeUnknown";
      if (ambiguous) expect(sent(fake, "connect")).toBe(1);
    }
  });
});

describe("transport", () => {
  it("retries a connect that provably never left (connection refused), up to maxAttempts", async () => {
    const port = await closedPort();
    const client = createCallingClient({ baseUrl: `http://127.0.0.1:${port}`, accessToken: TOKEN, phoneNumberId: "1", ...fast });
    const e = (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "NetworkError", notSent: true, errorCode: "ECONNREFUSED", attempts: 3 });
    expect(leaksNothing(e)).toBe(true);
  });
  it("stops at the overall deadline", async () => {
    const { fake, client } = await setup({}, { timeoutMs: 150, retry: { maxAttempts: 10, baseDelayMs: 1, deadlineMs: 400 } });
    current = fake;
    fake.fault({ kind: "hang" }, { times: 99 });
    const t0 = performance.now();
    const e = (await client.getCallPermissions({ userWaId: USER }))._unsafeUnwrapErr();
    const took = performance.now() - t0;
    expect(e).toMatchObject({ _tag: "Timeout", scope: "deadline" });
    expect(e.attempts).toBeGreaterThanOrEqual(2);
    expect(took).toBeLessThan(1_000);
  });
  it("returns Timeout(attempt) when every attempt times out", async () => {
    const { fake, client } = await setup();
    current = fake;
    fake.fault({ kind: "hang" }, { times: 99 });
    expect((await client.getCallingSettings())._unsafeUnwrapErr()).toMatchObject({ _tag: "Timeout", scope: "attempt", attempts: 3 });
  });
  it("honours an AbortSignal during a request and during a backoff wait", async () => {
    const { fake, client } = await setup({}, { retry: { baseDelayMs: 5_000, maxDelayMs: 5_000, deadlineMs: 20_000 }, random: () => 1 });
    current = fake;
    fake.fault({ kind: "hang" });
    const a = client.getCallPermissions({ userWaId: USER }, { signal: AbortSignal.timeout(40) });
    expect((await a)._unsafeUnwrapErr()).toMatchObject({ _tag: "Aborted", attempts: 1 });
    fake.fault({ kind: "error", code: 131000, status: 500 });
    const t0 = performance.now();
    const b = await client.getCallPermissions({ userWaId: USER }, { signal: AbortSignal.timeout(100) });
    expect(b._unsafeUnwrapErr()).toMatchObject({ _tag: "Aborted", attempts: 1 });
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
  it("waits until retryAt when it falls within the deadline", async () => {
    const { fake, client } = await setup({}, { retry: { deadlineMs: 5_000 } });
    current = fake;
    fake.fault({ kind: "rate-limit", retryAfterSeconds: 1 }, { operation: "get_call_permissions" });
    const t0 = performance.now();
    const r = await client.getCallPermissions({ userWaId: USER });
    expect(r.isOk()).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
    expect(sent(fake, "get_call_permissions")).toBe(2);
  });
  it("reports a DuplicateCall seen on a retry of connect, with the attempt history", async () => {
    const { fake, client } = await setup();
    current = fake;
    fake.grantPermission(USER);
    fake.incomingCall(USER); // a call with this user is already up
    fake.fault({ kind: "error", code: 138002, status: 429 }, { operation: "connect" });
    const e = (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr();
    expect(e._tag).toBe("DuplicateCall");
    expect(e.history.map((h) => h.outcome)).toEqual(["ConcurrentCallsLimit", "DuplicateCall"]);
  });
});
