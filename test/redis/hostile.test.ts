/**
 * The Redis stores and governor against hostile clients and options: replies that throw when
 * read, timeouts past what a timer holds, fractional or huge durations, and client errors that
 * carry the Redis URL's password. Each ends as a typed value, bounded, with nothing leaked.
 */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisCallStateStore, redisDedupeStore, redisEventBus, redisLimitGovernor, type RedisCommands } from "../../src/redis/index.js";
import { connectClient, startRedis, type RedisServer } from "./server.js";

let server: RedisServer;
let a: Awaited<ReturnType<typeof connectClient>>;

beforeAll(async () => {
  server = await startRedis();
  a = await connectClient(server.url);
}, 20_000);

afterAll(async () => {
  await a?.close().catch(() => undefined);
  await server?.stop();
});

/** An array whose every read throws (but is not a thenable, so it arrives as a reply). */
const trap = () =>
  new Proxy([], {
    get(_t, k) {
      if (k === "then") return undefined;
      throw new Error("trap");
    },
  });

/** Settles (never rejects) within `ms`, or says it did not. */
async function settled<T>(p: PromiseLike<T>, ms = 3_000): Promise<{ value?: T; rejected?: unknown; late?: true }> {
  return Promise.race([
    Promise.resolve(p).then((value) => ({ value }), (rejected: unknown) => ({ rejected })),
    new Promise<{ late: true }>((r) => setTimeout(() => r({ late: true }), ms)),
  ]);
}

describe("hostile replies", () => {
  it("a reply that throws when read is a StoreUnavailable of every store, never a rejection", async () => {
    const client: RedisCommands = { sendCommand: async () => trap() };
    const states = redisCallStateStore(client);
    const got = await settled(states.get("wacid.X"));
    expect(got.rejected).toBeUndefined();
    expect(got.value?.isErr()).toBe(true);
    expect(got.value?._unsafeUnwrapErr().reason).toBe("reply");
    const applied = await settled(states.apply({ _tag: "CallTerminate", callId: "wacid.X" } as never));
    expect(applied.rejected).toBeUndefined();
    expect(applied.value?.isErr()).toBe(true);
    const governor = redisLimitGovernor({ sendCommand: async (args) => (args[0] === "SCRIPT" ? "sha" : trap()) }, { phoneNumberId: "1" });
    for (const r of [await settled(governor.usage("u")), await settled(governor.reserve({ kind: "connect", user: "u" }))]) {
      expect(r.rejected).toBeUndefined();
      expect(r.value?.isErr()).toBe(true);
    }
  });

  it("the event bus keeps reading after a reply that throws when read", async () => {
    let reads = 0;
    const errors: unknown[] = [];
    const reader: RedisCommands = {
      sendCommand: async () => {
        reads++;
        await new Promise((r) => setTimeout(r, 5));
        return trap();
      },
    };
    const bus = redisEventBus(a, { reader, onError: (e) => errors.push(e) });
    const subscription = bus.subscribe(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    await subscription.close();
    expect(reads).toBeGreaterThan(1);
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe("hostile options", () => {
  it("a command timeout past what a timer holds still waits for the reply (no 1 ms deadline)", async () => {
    const slow: RedisCommands = { sendCommand: () => new Promise((r) => setTimeout(() => r("OK"), 30)) };
    const dedupe = redisDedupeStore(slow, { commandTimeoutMs: 3e9 });
    const r = await settled(dedupe.claim("k"));
    expect(r.value?._unsafeUnwrap()).toBe("claimed");
  });

  it("fractional and huge durations are written as integers Redis accepts", async () => {
    const governor = redisLimitGovernor(a, { phoneNumberId: "frac", limits: { connectHoldMs: 60_000.5, callTimeoutMs: 3_600_000.25 } });
    const r = await governor.reserve({ kind: "connect", user: "u1" });
    expect(r.isOk()).toBe(true);
    const huge = redisLimitGovernor(a, { phoneNumberId: "huge", limits: { callTimeoutMs: 1e300, connectHoldMs: 1e300 } });
    expect((await huge.reserve({ kind: "connect", user: "u1" })).isOk()).toBe(true);
    const dedupe = redisDedupeStore(a, { prefix: "hostile:", leaseMs: 1e300, ttlMs: 1e300 });
    expect((await dedupe.claim("k1"))._unsafeUnwrap()).toBe("claimed");
    expect((await dedupe.complete("k1")).isOk()).toBe(true);
    const states = redisCallStateStore(a, { prefix: "hostile:c:", ttlMs: 1e300 });
    expect((await states.apply({ _tag: "CallTerminate", callId: "wacid.H", status: "COMPLETED", timestamp: new Date(0) } as never)).isErr()).toBe(false);
  });
});

describe("options below one", () => {
  it("maxAttempts 0.5 still makes one attempt; blockMs 0.5 does not block for ever (BLOCK 0)", async () => {
    const states = redisCallStateStore(a, { prefix: "hostile:m:", maxAttempts: 0.5 });
    const applied = await states.apply({ _tag: "CallTerminate", callId: "wacid.M", status: "COMPLETED", timestamp: new Date(0) } as never);
    expect(applied.isErr()).toBe(false);
    const reader = await connectClient(server.url);
    try {
      const bus = redisEventBus(a, { reader, stream: "hostile:events", blockMs: 0.5, commandTimeoutMs: 100 });
      const other = redisEventBus(a, { reader: a, stream: "hostile:events" });
      const got: unknown[] = [];
      const subscription = bus.subscribe((e) => got.push(e));
      // Let the first read block, then publish from another bus (another origin).
      await new Promise((r) => setTimeout(r, 50));
      expect((await other.publish({ _tag: "CallTerminate", callId: "wacid.B", status: "COMPLETED", timestamp: new Date(0) } as never)).isOk()).toBe(true);
      const until = Date.now() + 1_500;
      while (got.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      await subscription.close();
      expect(got.length).toBe(1);
    } finally {
      await reader.close().catch(() => undefined);
    }
  });
});

describe("no credentials in errors", () => {
  it("a client error carrying the Redis URL's password gives a StoreUnavailable without it", async () => {
    const urls = ["redis://:pa55word@host:6379", "rediss://default:pa55word@host/0", "redis://user:pa55word@10.0.0.1"];
    for (const url of urls) {
      const client: RedisCommands = {
        sendCommand: () => {
          throw new Error(`connect failed to ${url}`);
        },
      };
      const rejecting: RedisCommands = { sendCommand: () => Promise.reject(new Error(`Socket closed unexpectedly (${url})`)) };
      for (const c of [client, rejecting]) {
        const e = (await redisDedupeStore(c).claim("k"))._unsafeUnwrapErr();
        expect(inspect(e, { depth: 10 })).not.toContain("pa55word");
        expect(JSON.stringify(e)).not.toContain("pa55word");
        expect(e.message).toMatch(/connect failed|Socket closed/);
      }
    }
  });
});
