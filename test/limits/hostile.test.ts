/**
 * The governors against a caller that settles reservations it never got: what they count (and
 * hold in memory or in Redis) stays within the limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLimitGovernor, type LimitGovernor, type Reservation } from "../../src/limits/index.js";
import { redisLimitGovernor } from "../../src/redis/index.js";
import { connectClient, startRedis, type RedisServer } from "../redis/server.js";

let server: RedisServer;
let redis: Awaited<ReturnType<typeof connectClient>>;

beforeAll(async () => {
  server = await startRedis();
  redis = await connectClient(server.url);
}, 20_000);
afterAll(async () => {
  await redis?.close().catch(() => undefined);
  await server?.stop();
});

let n = 0;
const kinds: [string, () => LimitGovernor][] = [
  ["memory", () => memoryLimitGovernor({ limits: { concurrentCalls: 5 } })],
  ["redis", () => redisLimitGovernor(redis, { phoneNumberId: `forged${++n}`, limits: { concurrentCalls: 5 } })],
];

describe.each(kinds)("%s governor", (_name, make) => {
  it("settling reservations it never granted does not grow what it counts past the limit", async () => {
    const g = make();
    for (let i = 0; i < 300; i++) {
      const forged: Reservation = { id: `forged-${i}`, request: { kind: "connect", user: `u${i}` } };
      (await g.settle(forged, i % 2 === 0 ? { _tag: "Placed", callId: `wacid.F${i}` } : { _tag: "Unknown", bizOpaqueCallbackData: `o${i}` }))._unsafeUnwrap();
    }
    expect((await g.usage())._unsafeUnwrap().concurrentCalls).toBeLessThanOrEqual(5);
    // A granted reservation is still settled as placed and counted.
    const fresh = make();
    const r = (await fresh.reserve({ kind: "connect", user: "real" }))._unsafeUnwrap();
    (await fresh.settle(r, { _tag: "Placed", callId: "wacid.REAL" }))._unsafeUnwrap();
    expect((await fresh.usage())._unsafeUnwrap().concurrentCalls).toBeGreaterThanOrEqual(1);
  });
});
