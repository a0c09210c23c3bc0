/**
 * The limit governor, in memory and on a real redis-server: the same counting, atomic under
 * concurrency, and the governed client refusing locally with the variant Meta would send.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallingClient, sdpOffer } from "wacall/client";
import { startFakeCallingApi } from "wacall/testing";
import { governed, memoryLimitGovernor, type LimitGovernor, type CallLimits } from "../../src/limits/index.js";
import { redisLimitGovernor } from "../../src/redis/index.js";
import { callEvents } from "../calls/events.js";
import { connectClient, connectClient5, startRedis, type RedisServer, type TestClient } from "../redis/server.js";

let server: RedisServer;
let redis: Awaited<ReturnType<typeof connectClient>>;
let other: Awaited<ReturnType<typeof connectClient>>;
// node-redis 5 (RESP2 by default): the oldest major the peer range accepts.
let redis5: TestClient;
let other5: TestClient;
let n = 0;

beforeAll(async () => {
  server = await startRedis();
  redis = await connectClient(server.url);
  other = await connectClient(server.url);
  redis5 = await connectClient5(server.url);
  other5 = await connectClient5(server.url);
}, 20_000);
afterAll(async () => {
  for (const c of [redis, other, redis5, other5]) await c?.close().catch(() => undefined);
  await server?.stop();
});

type Make = (limits: Partial<CallLimits>, clock: () => number) => LimitGovernor[];
const kinds: [string, Make][] = [
  ["memory", (limits, clock) => [memoryLimitGovernor({ limits, clock })]],
  [
    "redis",
    (limits, clock) => {
      const phoneNumberId = `n${++n}`;
      return [redisLimitGovernor(redis, { phoneNumberId, limits, clock }), redisLimitGovernor(other, { phoneNumberId, limits, clock })];
    },
  ],
  [
    "redis (node-redis 5)",
    (limits, clock) => {
      const phoneNumberId = `n${++n}`;
      return [redisLimitGovernor(redis5, { phoneNumberId, limits, clock }), redisLimitGovernor(other5, { phoneNumberId, limits, clock })];
    },
  ],
];

const DAY = 86_400_000;

describe.each(kinds)("%s governor", (_name, make) => {
  it("grants exactly the configured concurrency under concurrent reserves, and frees on terminate and on timeout", async () => {
    let now = 1_000_000;
    const govs = make({ concurrentCalls: 5, connectHoldMs: 1_000, callTimeoutMs: 10_000 }, () => now);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => govs[i % govs.length]!.reserve({ kind: "connect", user: `u${i}` })));
    const granted = results.filter((r) => r.isOk());
    expect(granted).toHaveLength(5);
    const refused = results.find((r) => r.isErr())?._unsafeUnwrapErr();
    expect(refused).toMatchObject({ _tag: "LimitRefused", limit: "concurrent-calls", max: 5, used: 5 });
    expect(refused).not.toHaveProperty("retryAt");
    const g = govs[0]!;
    for (const [i, r] of granted.entries()) (await g.settle(r._unsafeUnwrap(), { _tag: "Placed", callId: `wacid.${i}` }))._unsafeUnwrap();
    expect((await g.usage())._unsafeUnwrap().concurrentCalls).toBe(5);
    (await g.release("wacid.0"))._unsafeUnwrap();
    const [terminate] = callEvents("outboundNoAnswer", "wacid.1").filter((e) => e._tag === "CallTerminate");
    (await g.observe(terminate!))._unsafeUnwrap();
    expect((await g.usage())._unsafeUnwrap().concurrentCalls).toBe(3);
    now += 10_001; // no terminate for the others: their slots lapse
    expect((await g.usage())._unsafeUnwrap().concurrentCalls).toBe(0);
    expect((await g.reserve({ kind: "connect", user: "later" })).isOk()).toBe(true);
  });

  it("counts new calls per day and calls per user per day, with retryAt at the window's end; a call never sent is not counted", async () => {
    let now = 5 * DAY;
    const [g] = make({ newCallsPerDay: 3, callsPerUserPerDay: 2 }, () => now);
    const first = (await g!.reserve({ kind: "connect", user: "alice" }))._unsafeUnwrap();
    const notSent = (await g!.reserve({ kind: "connect", user: "alice" }))._unsafeUnwrap();
    (await g!.settle(notSent, { _tag: "NotSent" }))._unsafeUnwrap();
    now += 1_000;
    (await g!.reserve({ kind: "connect", user: "alice" }))._unsafeUnwrap();
    const perUser = (await g!.reserve({ kind: "connect", user: "alice" }))._unsafeUnwrapErr();
    expect(perUser).toMatchObject({ _tag: "LimitRefused", limit: "calls-per-user-per-day", max: 2, used: 2, retryAt: new Date(5 * DAY + DAY) });
    (await g!.reserve({ kind: "connect", user: "bob" }))._unsafeUnwrap();
    const perDay = (await g!.reserve({ kind: "connect", user: "carol" }))._unsafeUnwrapErr();
    expect(perDay).toMatchObject({ limit: "new-calls-per-day", max: 3, used: 3, retryAt: new Date(5 * DAY + DAY) });
    expect(first.request).toEqual({ kind: "connect", user: "alice" });
    now = 6 * DAY + 1;
    expect((await g!.reserve({ kind: "connect", user: "carol" })).isOk()).toBe(true);
  });

  it("permission requests: 1 per 24 h, 2 per 7 days, reset by an ACCEPTED status", async () => {
    let now = 10 * DAY;
    const [g] = make({}, () => now);
    (await g!.reserve({ kind: "permission-request", user: "15551230000" }))._unsafeUnwrap();
    expect((await g!.reserve({ kind: "permission-request", user: "15551230000" }))._unsafeUnwrapErr()).toMatchObject({ limit: "permission-requests-per-day", max: 1, retryAt: new Date(11 * DAY) });
    now += DAY;
    (await g!.reserve({ kind: "permission-request", user: "15551230000" }))._unsafeUnwrap();
    now += DAY;
    expect((await g!.reserve({ kind: "permission-request", user: "15551230000" }))._unsafeUnwrapErr()).toMatchObject({ limit: "permission-requests-per-week", max: 2, retryAt: new Date(17 * DAY) });
    expect((await g!.usage("15551230000"))._unsafeUnwrap()).toMatchObject({ permissionRequestsPerWeek: 2, permissionRequestsPerDay: 0 });
    const accepted = callEvents("outboundAnswered", "wacid.A").find((e) => e._tag === "CallStatus" && e.status === "ACCEPTED");
    (await g!.observe(accepted!))._unsafeUnwrap();
    expect((await g!.reserve({ kind: "permission-request", user: "15551230000" })).isOk()).toBe(true);
  });

  it("an unknown outcome stays counted until a webhook with its bizOpaqueCallbackData names the call, whose terminate frees it", async () => {
    const [g] = make({ concurrentCalls: 1 }, () => 1_000);
    const r = (await g!.reserve({ kind: "connect", user: "15551230000" }))._unsafeUnwrap();
    (await g!.settle(r, { _tag: "Unknown", bizOpaqueCallbackData: "ticket-1" }))._unsafeUnwrap();
    expect((await g!.reserve({ kind: "answer", callId: "wacid.in" })).isErr()).toBe(true);
    const events = callEvents("outboundNoAnswer", "wacid.U", "ticket-1");
    (await g!.observe(events[0]!))._unsafeUnwrap(); // RINGING: the held slot is now the call's
    expect((await g!.usage())._unsafeUnwrap().concurrentCalls).toBe(1);
    (await g!.observe(events[1]!))._unsafeUnwrap(); // terminate
    expect((await g!.usage())._unsafeUnwrap().concurrentCalls).toBe(0);
    // Answering is idempotent per call.
    (await g!.reserve({ kind: "answer", callId: "wacid.in" }))._unsafeUnwrap();
    (await g!.reserve({ kind: "answer", callId: "wacid.in" }))._unsafeUnwrap();
    expect((await g!.usage())._unsafeUnwrap().concurrentCalls).toBe(1);
  });
});

describe("governed client", () => {
  it("refuses over the limit locally with Meta's variant, marked as decided locally, without sending", async () => {
    const fake = await startFakeCallingApi();
    const inner = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, retry: { maxAttempts: 1 } });
    const governor = redisLimitGovernor(redis, { phoneNumberId: `n${++n}`, limits: { concurrentCalls: 2, callsPerUserPerDay: 1 } });
    const client = governed(inner, governor);
    for (const u of ["15550000001", "15550000002", "15550000003"]) fake.grantPermission(u);
    const offer = sdpOffer("v=0\r\n");
    const one = (await client.connect({ to: "15550000001", sdp: offer }))._unsafeUnwrap();
    (await client.connect({ to: "15550000002", sdp: offer }))._unsafeUnwrap();
    const sent = fake.requests.length;
    const over = (await client.connect({ to: "15550000003", sdp: offer }))._unsafeUnwrapErr();
    expect(fake.requests.length).toBe(sent);
    expect(over).toMatchObject({ _tag: "ConcurrentCallsLimit", code: 138002, category: "limit", retryable: true, attempts: 0, operation: "connect", decidedBy: "limit-governor", raw: { decidedBy: "limit-governor", limit: "concurrent-calls", max: 2, used: 2 } });
    expect(over).not.toHaveProperty("httpStatus");
    (await client.terminate({ callId: one }))._unsafeUnwrap();
    // The slot is free again, but alice had her one call today.
    const again = (await client.connect({ to: "15550000001", sdp: offer }))._unsafeUnwrapErr();
    expect(again).toMatchObject({ _tag: "BusinessInitiatedCallsLimitHit", code: 138012, decidedBy: "limit-governor", raw: { decidedBy: "limit-governor" } });
    expect((again as { retryAt?: Date }).retryAt).toBeInstanceOf(Date);
    const three = (await client.connect({ to: "15550000003", sdp: offer }))._unsafeUnwrap();
    (await client.terminate({ callId: three }))._unsafeUnwrap();
    // Permission requests: the second one today is refused before it is sent.
    (await client.sendCallPermissionRequest({ to: "15559990000", body: "May we call?" }))._unsafeUnwrap();
    const ask = (await client.sendCallPermissionRequest({ to: "15559990000", body: "May we call?" }))._unsafeUnwrapErr();
    expect(ask).toMatchObject({ _tag: "CallPermissionRequestLimitHit", code: 138009, decidedBy: "limit-governor", raw: { decidedBy: "limit-governor", limit: "permission-requests-per-day" } });
    // A connect Meta refuses is not counted.
    const refused = (await client.connect({ to: "15550000999", sdp: offer }))._unsafeUnwrapErr();
    expect(refused._tag).toBe("CallPermissionNotFound");
    expect((await governor.usage("15550000999"))._unsafeUnwrap()).toMatchObject({ concurrentCalls: 1, newCallsPerDay: 3, callsPerUserPerDay: 0 });
    await fake.close();
  });

  it("a store that is down refuses the request as a retryable NetworkError (or lets it through with onStoreError: allow)", async () => {
    const down = await startRedis();
    const c = await connectClient(down.url);
    await down.stop();
    const fake = await startFakeCallingApi();
    fake.grantPermission("15550000001");
    const inner = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, retry: { maxAttempts: 1 } });
    const gov = redisLimitGovernor(c, { phoneNumberId: "x", commandTimeoutMs: 200 });
    const errors: string[] = [];
    const refused = (await governed(inner, gov, { onError: (e) => errors.push(e._tag) }).connect({ to: "15550000001", sdp: sdpOffer("v=0\r\n") }))._unsafeUnwrapErr();
    expect(refused).toMatchObject({ _tag: "NetworkError", notSent: true, retryable: true, errorCode: "LIMIT_STORE_UNAVAILABLE", attempts: 0 });
    expect(errors).toEqual(["StoreUnavailable"]);
    expect(fake.requests).toHaveLength(0);
    const allowed = await governed(inner, gov, { onStoreError: "allow" }).connect({ to: "15550000001", sdp: sdpOffer("v=0\r\n") });
    expect(allowed.isOk()).toBe(true);
    await c.destroy();
    await fake.close();
  });
});
