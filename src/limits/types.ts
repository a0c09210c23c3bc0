/**
 * Meta's calling limits as configuration, and the governor that counts toward them before Meta
 * does: per business phone number and per user, shared by every worker when its store is.
 *
 * @module
 */
import type { ResultAsync } from "neverthrow";
import type { StoreUnavailable } from "../calls/store-error.js";
import type { CallEvent } from "../webhook/event-types.js";

/** The limits a governor enforces. Meta has changed them several times: they are data. */
export interface CallLimits {
  /** Calls up at once on the number (138002). @default 1000 */
  readonly concurrentCalls: number;
  /** New calls per number per 24 h (138005). @default 10_000 */
  readonly newCallsPerDay: number;
  /** Connected business-initiated calls per user per 24 h (138012); every placed call counts. @default 100 */
  readonly callsPerUserPerDay: number;
  /** Call permission requests per user per 24 h (138009). @default 1 */
  readonly permissionRequestsPerDay: number;
  /** Call permission requests per user per 7 days (138009). @default 2 */
  readonly permissionRequestsPerWeek: number;
  /** A call's concurrency slot is freed after this long when no terminate comes, in milliseconds. @default 3_600_000 (1 h) */
  readonly callTimeoutMs: number;
  /** A slot reserved for a `connect` that has not answered yet is freed after this long. @default 60_000 */
  readonly connectHoldMs: number;
}

/** Meta's documented limits (see the reference: 1000 concurrent, 10,000 a day, 100 per user a day, 1 / 2 requests). */
export const defaultCallLimits: CallLimits = Object.freeze({
  concurrentCalls: 1000,
  newCallsPerDay: 10_000,
  callsPerUserPerDay: 100,
  permissionRequestsPerDay: 1,
  permissionRequestsPerWeek: 2,
  callTimeoutMs: 3_600_000,
  connectHoldMs: 60_000,
});

/** Which limit refused a request. */
export type LimitName = "concurrent-calls" | "new-calls-per-day" | "calls-per-user-per-day" | "permission-requests-per-day" | "permission-requests-per-week";

/** A request the governor refused: the limit, its value, what is used, and when it frees up (when known). */
export interface LimitRefused {
  readonly _tag: "LimitRefused";
  readonly limit: LimitName;
  readonly max: number;
  readonly used: number;
  /** When the oldest counted request leaves the window; absent for concurrency (it frees when a call ends). */
  readonly retryAt?: Date;
}

/** What the governor is asked for. */
export type LimitRequest =
  /** A business-initiated call to `user`: a concurrency slot, a new call, a call to the user. */
  | { readonly kind: "connect"; readonly user: string }
  /** Answering (pre-accept / accept) a user-initiated call: a concurrency slot for it (idempotent per call). */
  | { readonly kind: "answer"; readonly callId: string }
  /** A call permission request to `user`. */
  | { readonly kind: "permission-request"; readonly user: string };

/** What a reservation became once its request was sent. */
export type ReservationOutcome =
  /** The call was placed (or answered): its slot is held until its terminate or `callTimeoutMs`. */
  | { readonly _tag: "Placed"; readonly callId: string }
  /** The request may or may not have gone through: everything stays counted; a webhook with `bizOpaqueCallbackData` settles it. */
  | { readonly _tag: "Unknown"; readonly bizOpaqueCallbackData?: string }
  /** Meta refused it or it was never sent: nothing stays counted. */
  | { readonly _tag: "NotSent" };

/** A granted request, to settle once it was sent. */
export interface Reservation {
  readonly id: string;
  readonly request: LimitRequest;
}

/** What the governor counts right now, for monitoring and tests. */
export interface LimitUsage {
  readonly concurrentCalls: number;
  readonly newCallsPerDay: number;
  /** For the user asked about (0 without one). */
  readonly callsPerUserPerDay: number;
  readonly permissionRequestsPerDay: number;
  readonly permissionRequestsPerWeek: number;
}

/**
 * Counts calls and permission requests of one business phone number toward Meta's limits, before
 * Meta does. `reserve` is atomic: two workers never both take the last slot. Every method returns
 * a `ResultAsync` that never rejects; a shared store that fails gives `StoreUnavailable`.
 */
export interface LimitGovernor {
  readonly limits: CallLimits;
  /** Takes what the request needs, or says which limit refuses it. */
  reserve(request: LimitRequest): ResultAsync<Reservation, LimitRefused | StoreUnavailable>;
  /** Settles a reservation once its request was answered. */
  settle(reservation: Reservation, outcome: ReservationOutcome): ResultAsync<void, StoreUnavailable>;
  /** Frees the call's concurrency slot (the call ended). Idempotent. */
  release(callId: string): ResultAsync<void, StoreUnavailable>;
  /**
   * Learns from a webhook event: a terminate frees its call's slot, an event carrying a held
   * `bizOpaqueCallbackData` settles that reservation as placed, an `ACCEPTED` status resets the
   * user's permission-request counters (a connected call resets them at Meta).
   */
  observe(event: CallEvent): ResultAsync<void, StoreUnavailable>;
  /** What is counted now (per user when `user` is given). */
  usage(user?: string): ResultAsync<LimitUsage, StoreUnavailable>;
}
