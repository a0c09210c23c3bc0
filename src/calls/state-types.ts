/**
 * Where a call stands, as a value folded from its webhook events.
 *
 * @module
 */
import type { GraphError } from "../errors.js";
import type { CallFields, CallRecordingAvailable, MediaFile, Voicemail } from "../webhook/event-types.js";
import type { WebhookSession } from "../webhook/session.js";

/** A status webhook's word on a business-initiated call (an `UNKNOWN` one is an anomaly instead). */
export type CallStatusWord = "RINGING" | "ACCEPTED" | "REJECTED";

/** What the terminate webhook (or webhooks) of a call said. */
export interface CallEnding {
  /** `FAILED` over `REJECTED` over `COMPLETED` over `UNKNOWN` when several terminates disagree. */
  readonly status: "COMPLETED" | "FAILED" | "REJECTED" | "UNKNOWN";
  readonly startTime?: Date;
  readonly endTime?: Date;
  /** Seconds; Meta sends it only when the call was picked up. */
  readonly durationSeconds?: number;
  /** The errors of every terminate, de-duplicated by tag, code and message (at most 32). */
  readonly errors: readonly GraphError[];
}

/** A value of a field that two events of the same call disagree on. */
export type ConflictingField = "direction" | "from" | "to" | "bizOpaqueCallbackData" | "recording" | "transcript" | "voicemail";

/**
 * Something the events of a call say that cannot all be true, or that the fold could not use. An
 * anomaly never throws and never drops the state: the state keeps one deterministic reading, and
 * the anomaly says what else was seen.
 */
export type CallAnomaly =
  /** An event of another call was folded into this one (and ignored). At most 8 call ids. */
  | { readonly _tag: "OtherCall"; readonly callIds: readonly string[] }
  /** Events disagree on a field: the state keeps the smallest value, these are all of them (at most 8). */
  | { readonly _tag: "ConflictingValues"; readonly field: ConflictingField; readonly values: readonly string[] }
  /** Terminates with different statuses: `ending.status` keeps the most severe. */
  | { readonly _tag: "ConflictingTerminates"; readonly statuses: readonly CallEnding["status"][] }
  /** Both `ACCEPTED` and `REJECTED` statuses arrived. */
  | { readonly _tag: "AcceptedAndRejected" }
  /** The call was rejected, yet its terminate has a duration. */
  | { readonly _tag: "RejectedButConnected" }
  /** Status webhooks exist only for business-initiated calls, and this one is user-initiated. */
  | { readonly _tag: "StatusOfUserInitiatedCall" }
  /** A status, terminate status, direction or call event that wacall does not know (at most 8). */
  | { readonly _tag: "UnknownValues"; readonly values: readonly string[] }
  /** An event of the call could not be read (a getter or Proxy threw): it was ignored. */
  | { readonly _tag: "UnreadableEvent" };

/** What every call state carries. */
export interface CallStateFields {
  readonly callId: string;
  readonly direction?: NonNullable<CallFields["direction"]>;
  readonly from?: string;
  readonly to?: string;
  readonly bizOpaqueCallbackData?: string;
  /** The status words that arrived, in a fixed order (`RINGING`, `ACCEPTED`, `REJECTED`). */
  readonly statuses: readonly CallStatusWord[];
  /** The SDP of the connect webhook: the user's offer (inbound) or answer (outbound). */
  readonly session?: WebhookSession;
  /** The earliest and latest event timestamps. */
  readonly firstEventAt?: Date;
  readonly lastEventAt?: Date;
  /** Present once a terminate arrived: the call is over. */
  readonly ending?: CallEnding;
  readonly recording?: CallRecordingAvailable["recording"];
  readonly transcript?: MediaFile;
  /** A missed user-initiated call left a voicemail. */
  readonly voicemail?: Voicemail["audio"];
  /** Contradictions and unreadable input, in a fixed order; empty for a well-behaved call. */
  readonly anomalies: readonly CallAnomaly[];
}

/** The phone rings (a connect with the user's offer, a `RINGING` status, or a SIP `call_created`). */
export interface Ringing extends CallStateFields {
  readonly _tag: "Ringing";
}
/** The call was picked up (`ACCEPTED`, or the connect with the user's SDP answer) and has not ended. */
export interface Accepted extends CallStateFields {
  readonly _tag: "Accepted";
}
/** The user declined (a `REJECTED` status or terminate); `ending` says whether the terminate came. */
export interface Rejected extends CallStateFields {
  readonly _tag: "Rejected";
}
/** The call was picked up and ended normally. */
export interface Ended extends CallStateFields {
  readonly _tag: "Ended";
  readonly ending: CallEnding;
  /** Seconds, when Meta sent it. */
  readonly durationSeconds?: number;
}
/** The call ended without being picked up. */
export interface NotAnswered extends CallStateFields {
  readonly _tag: "NotAnswered";
  readonly ending: CallEnding;
}
/** The call ended with a failure (`FAILED`, or errors on its terminate). */
export interface Failed extends CallStateFields {
  readonly _tag: "Failed";
  readonly ending: CallEnding;
  readonly errors: readonly GraphError[];
}

/** Where a call stands, folded from its events by {@link foldCall}. */
export type CallState = Ringing | Accepted | Rejected | Ended | NotAnswered | Failed;
