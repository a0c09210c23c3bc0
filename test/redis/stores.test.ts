/**
 * The Redis stores against a real redis-server: dedupe claims, call states folded on two
 * connections at once, the event bus between two sources, and typed failures when Redis is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallEventSource, foldCall, type CallState } from "wacall/client";
import type { CallEvent } from "wacall/webhook";
import { decodeCallEvent, encodeCallEvent } from "../../src/calls/codec.js";
import { redisCallStateStore, redisDedupeStore, redisEventBus } from "../../src/redis/index.js";
import { callEvents, scenarios, type Scenario } from "../calls/events.js";
import { clientMajors, startRedis, type RedisServer, type TestClient } from "./server.js";

/** A shuffled copy (Fisher-Yates with a seeded generator). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("codec", () => {
  it("an event survives encoding with its dates and its SDP, still hidden from printing", () => {
    for (const e of callEvents("outboundAnswered")) {
      const back = decodeCallEvent(encodeCallEvent(e) ?? "");
      expect(back).toEqual(e);
      if (back?._tag === "CallConnect") {
        expect(back.session?.sdp).toContain("v=0");
        expect(Object.keys(back.session ?? {})).not.toContain("sdp");
      }
    }
    expect(decodeCallEvent("{")).toBeUndefined();
    expect(decodeCallEvent('{"no":"tag"}')).toBeUndefined();
  });
});

// Every store against both majors of node-redis the peer range accepts: 6 speaks RESP3 by
// default and 5 RESP2, so the same commands come back in other shapes.
for (const [major, connect] of clientMajors) {
  describe(major, () => {
    let server: RedisServer;
    let a: TestClient;
    let b: TestClient;

    beforeAll(async () => {
      server = await startRedis();
      a = await connect(server.url);
      b = await connect(server.url);
    }, 20_000);

    afterAll(async () => {
      await a?.close().catch(() => undefined);
      await b?.close().catch(() => undefined);
      await server?.stop();
    });

  describe("redisDedupeStore", () => {
    it("claims with SET NX PX, remembers handled keys under its prefix with a TTL, and waits for another worker's claim", async () => {
      const one = redisDedupeStore(a, { prefix: "t1:", leaseMs: 5_000, ttlMs: 60_000 });
      const two = redisDedupeStore(b, { prefix: "t1:", leaseMs: 5_000, ttlMs: 60_000, pollMs: 5 });
      expect((await one.claim("k1"))._unsafeUnwrap()).toBe("claimed");
      expect((await two.claim("k1"))._unsafeUnwrap()).toBe("busy");
      expect(Number(await a.pTTL("t1:k1"))).toBeGreaterThan(0);
      expect(Number(await a.pTTL("t1:k1"))).toBeLessThanOrEqual(5_000);
      // The second worker waits while the first runs the handler, then sees it handled.
      const waiting = two.isHandled("k1");
      await new Promise((r) => setTimeout(r, 50));
      await one.markHandled("k1");
      expect(await waiting).toBe(true);
      expect(await a.get("t1:k1")).toBe("h");
      const ttl = Number(await a.pTTL("t1:k1"));
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it("a released claim (its handler failed) lets the redelivery run at once; a lapsed one too", async () => {
      const one = redisDedupeStore(a, { prefix: "t2:", leaseMs: 200 });
      const two = redisDedupeStore(b, { prefix: "t2:", leaseMs: 200, pollMs: 5 });
      expect(await one.isHandled("k")).toBe(false);
      (await one.release("k"))._unsafeUnwrap();
      expect(await two.isHandled("k")).toBe(false); // two holds it now
      const started = Date.now();
      expect(await one.isHandled("k")).toBe(false); // two never finished: its lease lapses
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    });

    it("many concurrent checks of one key by as many workers: exactly one runs", async () => {
      // One store per worker (a worker's own concurrent redeliveries are serialized by its handler).
      const stores = Array.from({ length: 40 }, (_, i) => redisDedupeStore(i % 2 === 0 ? a : b, { prefix: "t3:", pollMs: 2 }));
      let runs = 0;
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const s = stores[i]!;
          if (await s.isHandled("same")) return;
          runs++;
          await new Promise((r) => setTimeout(r, 5));
          await s.markHandled("same");
        }),
      );
      expect(runs).toBe(1);
    });
  });

  describe("redisCallStateStore", () => {
    it("events applied in any order, twice, from two connections at once, give the state of the in-memory fold", async () => {
      const one = redisCallStateStore(a, { prefix: "s:" });
      const two = redisCallStateStore(b, { prefix: "s:" });
      for (const [n, kind] of (Object.keys(scenarios) as Scenario[]).entries()) {
        const callId = `wacid.S${n}`;
        const events = callEvents(kind, callId);
        const expected = events.reduce<CallState | undefined>(foldCall, undefined);
        const order = shuffled([...events, ...events], n + 7);
        const results = await Promise.all(order.map((e: CallEvent, i) => (i % 2 === 0 ? one : two).apply(e)));
        for (const r of results) expect(r.isOk()).toBe(true);
        const stored = (await one.get(callId))._unsafeUnwrap();
        expect(stored?._tag).toBe(scenarios[kind]);
        expect(stored).toEqual(expected);
        expect(Number(await a.pTTL(`s:${callId}`))).toBeGreaterThan(0);
      }
      expect((await one.get("wacid.none"))._unsafeUnwrap()).toBeUndefined();
    });
  });

  describe("redisEventBus", () => {
    it("a waiter on one source gets what the other source's webhook handler published, also when it starts late", async () => {
      const readerA = await connect(server.url);
      const readerB = await connect(server.url);
      const onA = createCallEventSource({ bus: redisEventBus(a, { reader: readerA, stream: "bus1", blockMs: 100 }) });
      const onB = createCallEventSource({ bus: redisEventBus(b, { reader: readerB, stream: "bus1", blockMs: 100 }) });
      const [ringing, accepted, answer] = callEvents("outboundAnswered", "wacid.BUS");
      const waiting = onA.next({ callId: "wacid.BUS" }, { deadlineMs: 3_000 });
      await onB.onEvent(ringing!);
      expect((await waiting)._unsafeUnwrap()).toEqual(ringing);
      // Published before anyone on A waits for it: A's reader already put it in A's replay buffer.
      await onB.onEvent(answer!);
      await onB.onEvent(accepted!);
      await new Promise((r) => setTimeout(r, 300));
      const late = await onA.next((e) => e._tag === "CallConnect", { deadlineMs: 1_000 });
      expect(late._unsafeUnwrap()).toEqual(answer);
      expect(late._unsafeUnwrap()._tag === "CallConnect" && (late._unsafeUnwrap() as { session?: { sdp: string } }).session?.sdp).toContain("v=0");
      // Its own events are not read back twice.
      expect(onB.stats().published).toBe(3);
      await onA.close();
      await onB.close();
      await readerA.close();
      await readerB.close();
    });
  });

  describe("Redis gone", () => {
    it("every store answers StoreUnavailable and the source's onEvent rejects with it; nothing throws", async () => {
      const down = await startRedis();
      const c = await connect(down.url);
      const reader = await connect(down.url);
      await down.stop();
      await new Promise((r) => setTimeout(r, 100));
      const dedupe = redisDedupeStore(c, { commandTimeoutMs: 300 });
      const states = redisCallStateStore(c, { commandTimeoutMs: 300 });
      const source = createCallEventSource({ bus: redisEventBus(c, { reader, commandTimeoutMs: 300, blockMs: 100 }) });
      const [event] = callEvents("outboundRejected", "wacid.DOWN");
      const claim = await dedupe.claim("k");
      expect(claim._unsafeUnwrapErr()).toMatchObject({ _tag: "StoreUnavailable", store: "dedupe", retryable: true });
      await expect(dedupe.isHandled("k")).rejects.toMatchObject({ _tag: "StoreUnavailable" });
      expect((await states.apply(event!))._unsafeUnwrapErr()).toMatchObject({ _tag: "StoreUnavailable", store: "call-state" });
      await expect(source.onEvent(event!)).rejects.toMatchObject({ _tag: "StoreUnavailable", store: "events" });
      expect(source.stats().busFailures).toBe(1);
      await source.close();
      await c.destroy();
      await reader.destroy();
    });
  });
  });
}
