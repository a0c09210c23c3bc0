/**
 * Where handled webhook events are remembered, so a redelivery is not handled twice.
 *
 * @module
 */
import { safeNow } from "../internal/guard.js";
import { optionOf, positiveOption } from "./options.js";

/**
 * Remembers which events were handled. The handler asks {@link DedupeStore.isHandled} before
 * calling `onEvent`, and calls {@link DedupeStore.markHandled} only after `onEvent` succeeded: an
 * event whose handler failed (or whose process died mid-way) is handled again on redelivery.
 * Delivery is therefore at least once: make `onEvent` idempotent. A store that claims a key in
 * `isHandled` (so that concurrent deliveries of one event run it once) also implements
 * {@link DedupeStore.release}, which the handler calls when `onEvent` failed.
 *
 * A shared store fits in two commands, e.g. with Redis:
 * `isHandled: async (k) => (await redis.exists(k)) === 1`, `markHandled: (k) => redis.set(k, "1", { EX: 7 * 86_400 })`.
 */
export interface DedupeStore {
  /** Whether the key was recorded as handled (and is still remembered). */
  isHandled(key: string): boolean | Promise<boolean>;
  /** Records the key as handled; called once `onEvent` succeeded for its event. */
  markHandled(key: string): void | Promise<void>;
  /**
   * The handler of this key failed (`onEvent` threw or rejected): forget any claim on it, so that
   * a redelivery runs it at once. Optional; called at most once per failed event, after the
   * failure was reported. A throw, a rejection, or a value (or promise of one) that is a
   * Result-like `Err` (`isErr()` true, e.g. a neverthrow `ResultAsync`) is reported to `onError`
   * as `DedupeFailed` and changes nothing else; a member that is present but not a function is
   * reported the same way. With `awaitHandlers`, the 500 is answered once it settled.
   */
  release?(key: string): unknown;
}

/**
 * The store shape of wacall 0.1 (`firstSeen` records the key and says whether it was new), still
 * accepted. It records a key before the handler runs, so give it a `forget` to drop the key again
 * when the handler fails; without one, a failed event is not handled on redelivery.
 *
 * @deprecated Implement {@link DedupeStore} (`isHandled` + `markHandled`).
 */
export interface LegacyDedupeStore {
  firstSeen(key: string): boolean | Promise<boolean>;
  forget?(key: string): void | Promise<void>;
}

/** Options of {@link memoryDedupeStore}. */
export interface MemoryDedupeOptions {
  /** Keys kept at most; the oldest are dropped first. @default 10_000 */
  readonly maxKeys?: number;
  /**
   * Bytes kept at most, counted as two bytes per key character plus {@link ENTRY_OVERHEAD_BYTES}
   * per key; the oldest keys are dropped first. @default 4_194_304 (4 MiB)
   */
  readonly maxBytes?: number;
  /** How long a key is remembered. @default 86_400_000 (24 h) */
  readonly ttlMs?: number;
  /** The clock, in epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
}

/** The bookkeeping counted for each key of a {@link memoryDedupeStore}, in bytes. */
export const ENTRY_OVERHEAD_BYTES = 64;

/** An in-memory {@link DedupeStore} with its current size, for monitoring and tests. */
export interface MemoryDedupeStore extends DedupeStore {
  /** Keys held now. */
  readonly size: number;
  /** Bytes held now, as counted against `maxBytes`. */
  readonly bytes: number;
}


/**
 * An in-memory {@link DedupeStore}, bounded in keys and in bytes (oldest keys dropped first),
 * with a time-to-live. Meta redelivers for up to 7 days; a process restart forgets, so use a
 * shared store when several instances serve the endpoint.
 *
 * @example
 * createWebhookHandler({ appSecret, verifyToken, onEvent, dedupe: memoryDedupeStore({ maxKeys: 50_000, maxBytes: 16 << 20 }) });
 */
export function memoryDedupeStore(options: MemoryDedupeOptions = {}): MemoryDedupeStore {
  const maxKeys = positiveOption(options, "maxKeys", 10_000);
  const maxBytes = positiveOption(options, "maxBytes", 4 * 1024 * 1024);
  const ttlMs = positiveOption(options, "ttlMs", 24 * 60 * 60 * 1000);
  const clockOption = optionOf(options, "clock");
  const clock = typeof clockOption === "function" ? (clockOption as () => number) : undefined;
  /**
   * Keys by their position in `order`, and the oldest first in `order` (with the time each was
   * recorded). Dropping the oldest reads the queue's head: a Map used as a queue would have its
   * iterator step over every deleted entry before the first live one.
   */
  const seen = new Map<string, number>();
  let keys: string[] = [];
  let times: number[] = [];
  /** Position in the queue of `keys[0]`; `head` is the index of the oldest entry not yet passed. */
  let base = 0;
  let head = 0;
  let bytes = 0;
  const cost = (key: string) => key.length * 2 + ENTRY_OVERHEAD_BYTES;
  const drop = (key: string) => {
    if (seen.delete(key)) bytes -= cost(key);
  };
  const dropOldest = (): boolean => {
    while (head < keys.length) {
      const i = head++;
      const key = keys[i] as string;
      // An entry whose key was recorded again later (or dropped) is stale: skip it.
      if (seen.get(key) === base + i) {
        drop(key);
        return true;
      }
    }
    return false;
  };
  /** Forgets passed and stale entries once they are most of the queue (amortised constant time). */
  const compact = () => {
    const waste = keys.length - seen.size;
    if (waste < 1024 || waste < seen.size) return;
    const liveKeys: string[] = [];
    const liveTimes: number[] = [];
    base += keys.length;
    for (let i = head; i < keys.length; i++) {
      const key = keys[i] as string;
      if (seen.get(key) !== base - keys.length + i) continue;
      seen.set(key, base + liveKeys.length);
      liveKeys.push(key);
      liveTimes.push(times[i] as number);
    }
    keys = liveKeys;
    times = liveTimes;
    head = 0;
  };
  return {
    get size() {
      return seen.size;
    },
    get bytes() {
      return bytes;
    },
    isHandled(key) {
      if (typeof key !== "string") return false;
      const at = seen.get(key);
      if (at === undefined) return false;
      if (safeNow(clock) - (times[at - base] as number) < ttlMs) return true;
      drop(key);
      return false;
    },
    markHandled(key) {
      if (typeof key !== "string" || cost(key) > maxBytes) return;
      drop(key);
      seen.set(key, base + keys.length);
      keys.push(key);
      times.push(safeNow(clock));
      bytes += cost(key);
      while ((seen.size > maxKeys || bytes > maxBytes) && dropOldest());
      compact();
    },
  };
}
