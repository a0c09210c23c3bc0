/**
 * Where the state of each call is kept, folded from its webhook events as they arrive: in memory
 * for one process, or in a shared store (`redisCallStateStore` from `wacall/redis`) for several.
 *
 * @module
 */
import { okAsync, type ResultAsync } from "neverthrow";
import { guard, safeNow } from "../internal/guard.js";
import { optionOf, positiveOption } from "../webhook/options.js";
import type { CallEvent } from "../webhook/event-types.js";
import { foldCall } from "./fold.js";
import type { CallState } from "./state-types.js";
import type { StoreUnavailable } from "./store-error.js";

/**
 * The states of calls, each folded from its events with {@link foldCall}. Because the fold is a
 * join, events may arrive in any order, more than once, and on any process: the state is the
 * same. A shared implementation applies each event atomically.
 */
export interface CallStateStore {
  /** Folds the event into its call's state and returns the new state (`undefined` for an event about no call). */
  apply(event: CallEvent): ResultAsync<CallState | undefined, StoreUnavailable>;
  /** The call's state, or `undefined` when no event of it is known (or it expired). */
  get(callId: string): ResultAsync<CallState | undefined, StoreUnavailable>;
}

/** Options of {@link memoryCallStateStore}. */
export interface MemoryCallStateOptions {
  /** Calls kept at most; the least recently updated is dropped first. @default 10_000 */
  readonly maxCalls?: number;
  /** How long a call is kept after its last event, in milliseconds. @default 86_400_000 (24 h) */
  readonly ttlMs?: number;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
}

/** The call id an event is about, if any. */
export function callIdOfEvent(event: unknown): string | undefined {
  return guard(() => {
    const e = event as { _tag?: unknown; callId?: unknown };
    if (typeof e !== "object" || e === null) return undefined;
    const tag = e._tag;
    if (tag === "CallPermissionReply" || tag === "CallingViolation" || tag === "CallingRestriction" || tag === "CallingSettingsChanged" || tag === "UnknownChange") return undefined;
    return typeof e.callId === "string" ? e.callId : undefined;
  }, () => undefined);
}

/**
 * An in-memory {@link CallStateStore}, bounded in calls and time. Never fails.
 *
 * @example
 * const states = memoryCallStateStore();
 * createWebhookHandler({ appSecret, verifyToken, onEvent: (e) => states.apply(e).map(() => undefined) });
 * const state = await states.get(callId);
 */
export function memoryCallStateStore(options: MemoryCallStateOptions = {}): CallStateStore {
  const maxCalls = Math.floor(positiveOption(options, "maxCalls", 10_000));
  const ttlMs = positiveOption(options, "ttlMs", 86_400_000);
  const clockOption = optionOf(options, "clock");
  const clock = typeof clockOption === "function" ? (clockOption as () => number) : undefined;
  const calls = new Map<string, { state: CallState; at: number }>();
  const fresh = (id: string): CallState | undefined => {
    const held = calls.get(id);
    if (held === undefined) return undefined;
    if (safeNow(clock) - held.at < ttlMs) return held.state;
    calls.delete(id);
    return undefined;
  };
  return {
    apply(event) {
      const id = callIdOfEvent(event);
      if (id === undefined) return okAsync(undefined);
      const next = foldCall(fresh(id), event);
      if (next === undefined) return okAsync(undefined);
      calls.delete(id);
      calls.set(id, { state: next, at: safeNow(clock) });
      while (calls.size > maxCalls) {
        const oldest = calls.keys().next();
        if (oldest.done === true) break;
        calls.delete(oldest.value);
      }
      return okAsync(next);
    },
    get(callId) {
      return okAsync(typeof callId === "string" ? fresh(callId) : undefined);
    },
  };
}
