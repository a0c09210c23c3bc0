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
 * Delivery is therefore at least once: make `onEvent` idempotent.
 *
 * A shared store fits in two commands, e.g. with Redis:
 * `isHandled: async (k) => (await redis.exists(k)) === 1`, `markHandled: (k) => redis.set(k, "1", { EX: 7 * 86_400 })`.
 */
export interface DedupeStore {
  /** Whether the key was recorded as handled (and is still remembered). */
  isHandled(key: string): boolean | Promise<boolean>;
  /** Records the key as handled; called once `onEvent` succeeded for its event. */
  markHandled(key: string): void | Promise<void>;
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
  const seen = new Map<string, number>();
  let bytes = 0;
  const cost = (key: string) => key.length * 2 + ENTRY_OVERHEAD_BYTES;
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
    isHandled(key) {
      if (typeof key !== "string") return false;
      const at = seen.get(key);
      if (at === undefined) return false;
      if (safeNow(clock) - at < ttlMs) return true;
      drop(key);
      return false;
    },
    markHandled(key) {
      if (typeof key !== "string" || cost(key) > maxBytes) return;
      drop(key);
      seen.set(key, safeNow(clock));
      bytes += cost(key);
      while (seen.size > maxKeys || bytes > maxBytes) {
        const oldest = seen.keys().next();
        if (oldest.done === true) break;
        drop(oldest.value);
      }
    },
  };
}
