import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { createCallingClient, type AttemptEndInfo, type CallEndInfo, type CallStartInfo, type ClientHooks, type HookErrorInfo } from "wacall/client";
import type { FakeCallingApi } from "wacall/testing";
import { hostileCases } from "../../src/testing/arbitraries.js";
import { closedPort, fast, OFFER, setup, TOKEN, USER } from "./helpers.js";

type Seen = { hook: "start"; info: CallStartInfo } | { hook: "attempt"; info: AttemptEndInfo } | { hook: "end"; info: CallEndInfo };

/** Hooks that write down what they are told, in order. */
function recorder() {
  const seen: Seen[] = [];
  const hooks: ClientHooks = {
    onCallStart: (info) => seen.push({ hook: "start", info }),
    onAttemptEnd: (info) => seen.push({ hook: "attempt", info }),
    onCallEnd: (info) => seen.push({ hook: "end", info }),
  };
  return { seen, hooks };
}

const duration = expect.any(Number);

let current: FakeCallingApi | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on("unhandledRejection", onUnhandled));
afterAll(() => process.off("unhandledRejection", onUnhandled));

describe("hooks tell the start, each attempt and the end of a call", () => {
  it("a retried call: start, a failed attempt with its retry delay, a good attempt, the end", async () => {
    const { seen, hooks } = recorder();
    const { fake, client } = await setup({}, { hooks });
    current = fake;
    fake.fault({ kind: "html", status: 502 }, { operation: "get_call_permissions" });
    const r = await client.getCallPermissions({ userWaId: USER });
    expect(r.isOk()).toBe(true);
    const port = Number(new URL(fake.url).port);
    const where = { method: "GET", urlTemplate: "/v23.0/{phone_number_id}/call_permissions", serverAddress: "127.0.0.1", serverPort: port };
    const call = { seq: expect.any(Number), operation: "get_call_permissions", phoneNumberId: fake.phoneNumberId };
    expect(seen).toEqual([
      { hook: "start", info: call },
      {
        hook: "attempt",
        info: { ...call, ...where, attempt: 1, ok: false, httpStatus: 502, errorTag: "MalformedResponse", errorCategory: "malformed", durationMs: duration, retryDelayMs: expect.any(Number) },
      },
      { hook: "attempt", info: { ...call, ...where, attempt: 2, ok: true, httpStatus: 200, durationMs: duration } },
      { hook: "end", info: { ...call, ok: true, attempts: 2, httpStatus: 200, durationMs: duration } },
    ]);
    // One call, one seq; the retry delay is the one the client waited (jitter 0.5 of 5 ms).
    expect(new Set(seen.map((s) => s.info.seq)).size).toBe(1);
    expect((seen[1]!.info as AttemptEndInfo).retryDelayMs).toBe(2.5);
  });

  it("a Graph error: its tag, category and code, on the attempt and on the end", async () => {
    const { seen, hooks } = recorder();
    const { fake, client } = await setup({}, { hooks });
    current = fake;
    const e = (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr(); // no permission: 138006
    if (e._tag !== "CallPermissionNotFound") throw new Error(`expected CallPermissionNotFound, got ${e._tag}`);
    const attempt = seen.find((s) => s.hook === "attempt")!.info;
    expect(attempt).toMatchObject({ attempt: 1, ok: false, httpStatus: e.httpStatus, errorTag: "CallPermissionNotFound", errorCategory: "permission", errorCode: 138006, method: "POST" });
    expect(attempt).not.toHaveProperty("retryDelayMs");
    expect(seen.at(-1)).toEqual({
      hook: "end",
      info: { seq: attempt.seq, operation: "connect", phoneNumberId: fake.phoneNumberId, ok: false, attempts: 1, durationMs: duration, httpStatus: e.httpStatus, errorTag: "CallPermissionNotFound", errorCategory: "permission", errorCode: 138006, retryable: false },
    });
  });

  it("a connect that timed out: the attempt says Timeout, the call says OutcomeUnknown", async () => {
    const { seen, hooks } = recorder();
    const { fake, client } = await setup({}, { hooks, timeoutMs: 100 });
    current = fake;
    fake.grantPermission(USER);
    fake.fault({ kind: "hang" }, { operation: "connect" });
    const e = (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr();
    expect(e._tag).toBe("OutcomeUnknown");
    expect(seen.map((s) => s.hook)).toEqual(["start", "attempt", "end"]);
    expect(seen[1]!.info).toMatchObject({ attempt: 1, ok: false, errorTag: "Timeout", errorCategory: "transport" });
    expect(seen[1]!.info).not.toHaveProperty("httpStatus");
    expect((seen[1]!.info as AttemptEndInfo).durationMs).toBeGreaterThanOrEqual(90);
    expect(seen[2]!.info).toMatchObject({ ok: false, attempts: 1, errorTag: "OutcomeUnknown", errorCategory: "transport", retryable: false });
  });

  it("a refused connection: no status, the system code, a delay before each retry but the last", async () => {
    const { seen, hooks } = recorder();
    const port = await closedPort();
    const client = createCallingClient({ baseUrl: `http://127.0.0.1:${port}`, accessToken: TOKEN, phoneNumberId: "1", ...fast, hooks });
    await client.getCallingSettings();
    const attempts = seen.filter((s) => s.hook === "attempt").map((s) => s.info as AttemptEndInfo);
    expect(attempts.map((a) => [a.attempt, a.errorTag, a.networkErrorCode, a.httpStatus, a.retryDelayMs !== undefined])).toEqual([
      [1, "NetworkError", "ECONNREFUSED", undefined, true],
      [2, "NetworkError", "ECONNREFUSED", undefined, true],
      [3, "NetworkError", "ECONNREFUSED", undefined, false],
    ]);
    expect(seen.at(-1)!.info).toMatchObject({ ok: false, attempts: 3, errorTag: "NetworkError", retryable: true });
    expect(seen.at(-1)!.info).not.toHaveProperty("httpStatus");
  });

  it("refused input: a start and an end with 0 attempts, nothing sent", async () => {
    const { seen, hooks } = recorder();
    const { fake, client } = await setup({}, { hooks });
    current = fake;
    await client.connect({ to: "not a number", sdp: OFFER });
    expect(seen).toEqual([
      { hook: "start", info: expect.objectContaining({ operation: "connect" }) },
      { hook: "end", info: expect.objectContaining({ ok: false, attempts: 0, errorTag: "InvalidInput", errorCategory: "request", retryable: false }) },
    ]);
    expect(fake.requests).toHaveLength(0);
  });

  it("refused options: every call is still told, without a phone number id", async () => {
    const { seen, hooks } = recorder();
    const client = createCallingClient({ accessToken: "", phoneNumberId: "1", hooks });
    await client.getCallingSettings();
    expect(seen).toEqual([
      { hook: "start", info: { seq: expect.any(Number), operation: "get_settings" } },
      { hook: "end", info: { seq: expect.any(Number), operation: "get_settings", ok: false, attempts: 0, durationMs: duration, errorTag: "InvalidInput", errorCategory: "request", retryable: false } },
    ]);
  });

  it("an aborted call: Aborted on the attempt and on the end", async () => {
    const { seen, hooks } = recorder();
    const { fake, client } = await setup({}, { hooks });
    current = fake;
    fake.fault({ kind: "hang" });
    await client.getCallPermissions({ userWaId: USER }, { signal: AbortSignal.timeout(30) });
    expect(seen.map((s) => [s.hook, "errorTag" in s.info ? s.info.errorTag : undefined])).toEqual([
      ["start", undefined],
      ["attempt", "Aborted"],
      ["end", "Aborted"],
    ]);
  });

  it("onCallEnd runs before the result is delivered; concurrent calls get distinct seqs, one start and one end each", async () => {
    const { seen, hooks } = recorder();
    const { fake, client } = await setup({}, { hooks });
    current = fake;
    const ends: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const r = await client.getCallingSettings();
        ends.push(seen.filter((s) => s.hook === "end").length);
        return r;
      }),
    );
    expect(results.every((r) => r.isOk())).toBe(true);
    expect(ends.every((n, i) => n >= i + 1)).toBe(true);
    const bySeq = new Map<number, string[]>();
    for (const s of seen) bySeq.set(s.info.seq, [...(bySeq.get(s.info.seq) ?? []), s.hook]);
    expect(bySeq.size).toBe(8);
    for (const hooksOfOne of bySeq.values()) expect(hooksOfOne).toEqual(["start", "attempt", "end"]);
  });

  it("several hooks objects are called in order, each on itself (this)", async () => {
    const order: string[] = [];
    class Counter implements ClientHooks {
      ends = 0;
      constructor(readonly name: string) {}
      onCallEnd(this: Counter): void {
        this.ends++;
        order.push(this.name);
      }
    }
    const a = new Counter("a");
    const b = new Counter("b");
    const { fake, client } = await setup({}, { hooks: [a, b] });
    current = fake;
    await client.getCallingSettings();
    expect(order).toEqual(["a", "b"]);
    expect([a.ends, b.ends]).toEqual([1, 1]);
  });

  it("info objects are frozen: a hook cannot change what the next one sees", async () => {
    const { seen, hooks } = recorder();
    const vandal: ClientHooks = {
      onCallEnd: (info) => {
        (info as { ok: boolean }).ok = false;
      },
    };
    const { fake, client } = await setup({}, { hooks: [vandal, hooks] });
    current = fake;
    await client.getCallingSettings();
    expect(seen.at(-1)!.info).toMatchObject({ ok: true });
  });
});

describe("a failing hook never breaks the call", () => {
  /** Every way a hook can fail. */
  const failures: [string, () => unknown][] = [
    ["throws an Error", () => { throw new Error("hook failed"); }],
    ["throws a non-Error", () => { throw Symbol("odd"); }],
    ["returns a rejecting promise", () => Promise.reject(new Error("async hook failed"))],
    ["is an async function that throws", async () => { throw new Error("async throw"); }],
    ["returns a thenable whose then throws", () => ({ then: () => { throw new Error("then"); } })],
    ["returns an object whose then getter throws", () => ({ get then(): never { throw new Error("getter"); } })],
    ["returns a revoked Proxy", () => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; }],
    ["returns a promise that never settles", () => new Promise(() => {})],
  ];

  it.each(failures)("a hook that %s: same result, every hook still told, the failure reported to onHookError", async (_name, fail) => {
    unhandled.length = 0;
    const reported: HookErrorInfo[] = [];
    const bad: ClientHooks = { onCallStart: fail, onAttemptEnd: fail, onCallEnd: fail, onHookError: (_e, info) => reported.push(info) };
    const { seen, hooks } = recorder();
    const { fake, client } = await setup({}, { hooks: [bad, hooks] });
    current = fake;
    fake.fault({ kind: "error", code: 131000, status: 500 }, { operation: "get_call_permissions" });
    const r = await client.getCallPermissions({ userWaId: USER });
    expect(r.isOk()).toBe(true);
    expect(seen.map((s) => s.hook)).toEqual(["start", "attempt", "attempt", "end"]);
    await new Promise((resolve) => setTimeout(resolve, 20)); // rejections are reported a few ticks later
    if (!_name.includes("never settles")) expect(reported.map((i) => i.hook)).toEqual(["onCallStart", "onAttemptEnd", "onAttemptEnd", "onCallEnd"]);
    expect(new Set(reported.map((i) => i.seq)).size).toBeLessThanOrEqual(1);
    expect(unhandled).toEqual([]);
  });

  it("an onHookError that throws or rejects is ignored", async () => {
    unhandled.length = 0;
    let reports = 0;
    const hooks: ClientHooks[] = [
      { onCallEnd: () => { throw new Error("x"); }, onHookError: () => { reports++; throw new Error("y"); } },
      { onCallEnd: () => Promise.reject(new Error("x")), onHookError: () => { reports++; return Promise.reject(new Error("y")); } },
    ];
    const { fake, client } = await setup({}, { hooks });
    current = fake;
    expect((await client.getCallingSettings()).isOk()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reports).toBe(2);
    expect(unhandled).toEqual([]);
  });

  it("the result with failing hooks equals the result without hooks", async () => {
    let told = 0;
    const throwing: ClientHooks = {
      onCallStart: () => { told++; throw new Error("a"); },
      onAttemptEnd: () => { told++; throw new Error("b"); },
      onCallEnd: () => { told++; throw new Error("c"); },
    };
    const results: unknown[] = [];
    for (const hooks of [undefined, throwing]) {
      const clock = () => 1_900_000_000_000; // retryAt is then the same in both runs
      const { fake, client } = await setup({}, hooks === undefined ? { clock } : { clock, hooks });
      fake.fault({ kind: "rate-limit", retryAfterSeconds: 3600 }, { operation: "get_call_permissions" });
      results.push((await client.getCallPermissions({ userWaId: USER }))._unsafeUnwrapErr());
      await fake.close();
    }
    // Durations and the fake's random trace id differ from run to run; nothing else may.
    const normal = (e: unknown): unknown =>
      JSON.parse(JSON.stringify(e).replace(/"(fbtraceId|fbtrace_id)":"[^"]*"/g, '"$1":""').replace(/"elapsedMs":\d+/g, '"elapsedMs":0'));
    expect(results[0]).toMatchObject({ _tag: "ThroughputLimit", attempts: 1 });
    expect(told).toBe(3);
    expect(normal(results[1])).toEqual(normal(results[0]));
  });

  it("a hook may call the client again (re-entrant) without confusing either call", async () => {
    const { seen, hooks } = recorder();
    let nested: ReturnType<typeof client.getCallPermissions> | undefined;
    const { fake, client } = await setup({}, {
      hooks: [
        hooks,
        {
          onCallEnd: (info) => {
            if (info.operation === "get_settings") nested = client.getCallPermissions({ userWaId: USER });
          },
        },
      ],
    });
    current = fake;
    expect((await client.getCallingSettings()).isOk()).toBe(true);
    await nested;
    expect(seen.filter((s) => s.hook === "end").map((s) => s.info.operation)).toEqual(["get_settings", "get_call_permissions"]);
  });
});

describe("the hooks option is checked like the others", () => {
  const cases: [string, unknown, string][] = [
    ["a string", "log everything", "hooks"],
    ["a number in a list", [{}, 3], "hooks[1]"],
    ["a non-function hook", { onCallEnd: "console.log" }, "hooks.onCallEnd"],
    ["too many objects", Array.from({ length: 17 }, () => ({})), "hooks"],
  ];
  it.each(cases)("%s is InvalidInput on every call", async (_name, hooks, field) => {
    const client = createCallingClient({ accessToken: TOKEN, phoneNumberId: "1", fetch: () => { throw new Error("never sent"); }, hooks: hooks as ClientHooks });
    expect((await client.getCallingSettings())._unsafeUnwrapErr()).toMatchObject({ _tag: "InvalidInput", field });
  });
  it("a hooks object whose getter throws is InvalidInput, not a throw", async () => {
    const hooks = { get onCallEnd(): never { throw new Error("getter"); } };
    const client = createCallingClient({ accessToken: TOKEN, phoneNumberId: "1", hooks });
    expect((await client.getCallingSettings())._unsafeUnwrapErr()).toMatchObject({ _tag: "InvalidInput", field: "options" });
  });
  it("hooks are read once: replacing a function afterwards changes nothing", async () => {
    let told = 0;
    const hooks: { onCallEnd: () => void } = { onCallEnd: () => told++ };
    const { fake, client } = await setup({}, { hooks });
    current = fake;
    hooks.onCallEnd = () => { throw new Error("swapped"); };
    await client.getCallingSettings();
    expect(told).toBe(1);
  });
});

describe("hostile hooks never break the client", () => {
  const cases = hostileCases({ hugeLength: 100_000, expansive: false });
  const client = (hooks: unknown) =>
    createCallingClient({ accessToken: TOKEN, phoneNumberId: "1", fetch: async () => new Response('{"calling":{"status":"ENABLED"}}', { status: 200 }), ...fast, hooks: hooks as ClientHooks });

  it.each(cases.map((c) => [c.name, c] as const))("%s as the hooks option, as a hook, and as what a hook returns or throws", async (_name, c) => {
    unhandled.length = 0;
    const asOption = await client(c.make()).getCallingSettings();
    // Whatever it is, the call ends in a value: the settings, or InvalidInput naming the hooks.
    if (asOption.isErr()) expect(asOption.error).toMatchObject({ _tag: "InvalidInput" });
    const asHook = await client({ onCallEnd: c.make() }).getCallingSettings();
    if (asHook.isErr()) expect(asHook.error).toMatchObject({ _tag: "InvalidInput", field: "hooks.onCallEnd" });
    let told = 0;
    const returns = await client({ onCallStart: () => c.make(), onAttemptEnd: () => { throw c.make(); }, onCallEnd: () => { told++; return Promise.reject(c.make()); } }).getCallingSettings();
    expect(returns.isOk()).toBe(true);
    expect(told).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(unhandled).toEqual([]);
  });
});
