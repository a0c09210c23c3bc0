/**
 * The in-memory dedupe store against a plain model of its contract: keys kept in the order they
 * were recorded (a key recorded again moves to the newest place), the oldest dropped first past
 * `maxKeys` or `maxBytes`, a key forgotten once `ttlMs` passed. Long runs of records of the same
 * keys go through the store's queue compaction.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { ENTRY_OVERHEAD_BYTES, memoryDedupeStore } from "wacall/webhook";

type Op = { readonly kind: "mark" | "check"; readonly key: string } | { readonly kind: "wait"; readonly ms: number };

const arbKey = fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h", "longer-key-0123456789", "ǩ");
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: arbKey.map((key) => ({ kind: "mark" as const, key })) },
  { weight: 3, arbitrary: arbKey.map((key) => ({ kind: "check" as const, key })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((ms) => ({ kind: "wait" as const, ms })) },
);

/** The contract, written the obvious way. */
function model(maxKeys: number, maxBytes: number, ttlMs: number) {
  const seen = new Map<string, number>();
  const cost = (key: string) => key.length * 2 + ENTRY_OVERHEAD_BYTES;
  let bytes = 0;
  const drop = (key: string) => {
    if (seen.delete(key)) bytes -= cost(key);
  };
  return {
    get size() {
      return seen.size;
    },
    get bytes() {
      return bytes;
    },
    isHandled(key: string, now: number): boolean {
      const at = seen.get(key);
      if (at === undefined) return false;
      if (now - at < ttlMs) return true;
      drop(key);
      return false;
    },
    markHandled(key: string, now: number): void {
      if (cost(key) > maxBytes) return;
      drop(key);
      seen.set(key, now);
      bytes += cost(key);
      while (seen.size > maxKeys || bytes > maxBytes) drop(seen.keys().next().value as string);
    },
  };
}

describe("memoryDedupeStore", () => {
  test.prop([fc.array(arbOp, { maxLength: 400 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 60, max: 600 }), fc.integer({ min: 1, max: 100 })], { numRuns: 300 })(
    "agrees with the model on every answer, its size and its bytes",
    (ops, maxKeys, maxBytes, ttlMs) => {
      let now = 0;
      const store = memoryDedupeStore({ maxKeys, maxBytes, ttlMs, clock: () => now });
      const expected = model(maxKeys, maxBytes, ttlMs);
      for (const op of ops) {
        if (op.kind === "wait") now += op.ms;
        else if (op.kind === "mark") {
          store.markHandled(op.key);
          expected.markHandled(op.key, now);
        } else expect(store.isHandled(op.key)).toBe(expected.isHandled(op.key, now));
        expect([store.size, store.bytes]).toEqual([expected.size, expected.bytes]);
      }
    },
  );

  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3 })), { minLength: 3000, maxLength: 6000 }), fc.integer({ min: 1, max: 40 })], { numRuns: 20 })(
    "keeps the newest keys and their times through thousands of records of the same few keys (the queue is compacted)",
    (picks, maxKeys) => {
      let now = 0;
      const store = memoryDedupeStore({ maxKeys, ttlMs: 3_000, clock: () => now });
      const expected = model(maxKeys, 4 * 1024 * 1024, 3_000);
      for (const [p, wait] of picks) {
        now += wait;
        store.markHandled(`k${p}`);
        expected.markHandled(`k${p}`, now);
        const other = `k${(p * 7 + wait) % 31}`;
        expect(store.isHandled(other)).toBe(expected.isHandled(other, now));
      }
      now += 1_500; // some keys are now past their time to live, others not
      for (let p = 0; p <= 30; p++) expect(store.isHandled(`k${p}`)).toBe(expected.isHandled(`k${p}`, now));
      expect(store.size).toBe(expected.size);
    },
  );
});
