/**
 * The one error of a shared store (dedupe, call state, events, limits): it could not be reached
 * or answered something unreadable. In-memory stores never return it.
 *
 * @module
 */

/** Which shared store failed. */
export type StoreName = "dedupe" | "call-state" | "events" | "limits";

/**
 * A shared store could not do what was asked: the connection is down, the command timed out, or
 * the reply could not be read. Nothing was decided from it; repeat later.
 */
export interface StoreUnavailable {
  readonly _tag: "StoreUnavailable";
  readonly category: "transport";
  readonly store: StoreName;
  /** The store operation, e.g. `claim`, `append`, `acquireCall`. */
  readonly operation: string;
  /**
   * `timeout` (no reply in time), `connection` (the client refused or lost the connection),
   * `reply` (an unreadable reply), `invalid` (what was given cannot be stored, e.g. a key that is
   * not a string; nothing was sent).
   */
  readonly reason: "timeout" | "connection" | "reply" | "invalid";
  /** What the client said, bounded (no credentials: Redis errors carry none, URLs are not included). */
  readonly message: string;
  readonly retryable: true;
  readonly advice: { readonly kind: "backoff" };
}

/** Builds a {@link StoreUnavailable}. */
export function storeUnavailable(store: StoreName, operation: string, reason: StoreUnavailable["reason"], message: string): StoreUnavailable {
  return { _tag: "StoreUnavailable", category: "transport", store, operation, reason, message: message.slice(0, 512), retryable: true, advice: { kind: "backoff" } };
}
