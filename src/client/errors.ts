/**
 * What the client adds to the error vocabulary: transport failures and rejected input, and the
 * attempt history every client error carries.
 *
 * @module
 */
import type { Operation } from "../catalog.js";
import type { GraphErrorOf } from "../errors.js";

/** One attempt of a request, as the client saw it. */
export interface AttemptRecord {
  /** 1-based. */
  readonly attempt: number;
  /** `ok`, a decoded tag, or the transport failure. */
  readonly outcome: string;
  readonly httpStatus?: number;
  /** Milliseconds since the call started, when the attempt ended. */
  readonly elapsedMs: number;
}

/** What every client error carries besides its own fields. */
export interface AttemptInfo {
  readonly operation: Operation;
  /** How many requests were sent (0 when the input was rejected). */
  readonly attempts: number;
  /** Milliseconds from the call to the result. */
  readonly elapsedMs: number;
  readonly history: readonly AttemptRecord[];
}

/** Input rejected before any request was sent. */
export interface InvalidInput extends AttemptInfo {
  readonly _tag: "InvalidInput";
  readonly category: "request";
  /** The input field at fault, e.g. `bizOpaqueCallbackData`. */
  readonly field: string;
  readonly message: string;
  readonly retryable: false;
}

/** The request could not be completed on the network (refused, DNS, reset). */
export interface NetworkError extends AttemptInfo {
  readonly _tag: "NetworkError";
  readonly category: "transport";
  /** The system error code when known: `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, … */
  readonly errorCode?: string;
  /** Whether the request provably never reached the server (connection refused, DNS). */
  readonly notSent: boolean;
  readonly message: string;
  readonly retryable: boolean;
}

/** No answer in time: one attempt (`attempt`) or the whole call (`deadline`). */
export interface Timeout extends AttemptInfo {
  readonly _tag: "Timeout";
  readonly category: "transport";
  readonly scope: "attempt" | "deadline";
  readonly message: string;
  readonly retryable: true;
}

/** The caller's `AbortSignal` fired. */
export interface Aborted extends AttemptInfo {
  readonly _tag: "Aborted";
  readonly category: "transport";
  readonly message: string;
  readonly reason?: string;
  readonly retryable: false;
}

/**
 * A `connect` whose outcome is unknown: it may have placed the call (timeout or reset after
 * sending, or an unreadable success). The Graph API has no idempotency key, so wacall does not
 * retry it; settle it from the webhooks, by `bizOpaqueCallbackData`.
 */
export interface OutcomeUnknown extends AttemptInfo {
  readonly _tag: "OutcomeUnknown";
  readonly category: "transport";
  readonly cause: "timeout" | "reset" | "unreadable-response";
  readonly to?: string;
  readonly recipient?: string;
  readonly bizOpaqueCallbackData?: string;
  readonly message: string;
  readonly retryable: false;
}

/** Transport failures of any operation. */
export type TransportError = NetworkError | Timeout | Aborted;

/** A decoded API error of operation `O`, with the attempt history. */
export type ApiErrorOf<O extends Operation> = GraphErrorOf<O> & AttemptInfo;

/** Everything a client method of operation `O` can fail with. */
export type ClientErrorOf<O extends Operation> =
  | ApiErrorOf<O>
  | TransportError
  | InvalidInput
  | (O extends "connect" ? OutcomeUnknown : never);
