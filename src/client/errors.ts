/**
 * What the client adds to the error vocabulary: transport failures and rejected input, and the
 * attempt history every client error carries.
 *
 * @module
 */
import type { Operation } from "../catalog.js";
import type { GraphError, GraphErrorOf } from "../errors.js";

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
  /** Retry advice: Fix the input. */
  readonly advice: { readonly kind: "after-fix" };
  /** The input field at fault, e.g. `bizOpaqueCallbackData`. */
  readonly field: string;
  readonly message: string;
  readonly retryable: false;
}

/** The request could not be completed on the network (refused, DNS, reset). */
export interface NetworkError extends AttemptInfo {
  readonly _tag: "NetworkError";
  readonly category: "transport";
  /** Retry advice: `backoff` when the request may be repeated (`retryable`), otherwise `never`. */
  readonly advice: { readonly kind: "backoff" } | { readonly kind: "never" };
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
  /** Retry advice: Repeat later. */
  readonly advice: { readonly kind: "backoff" };
  readonly scope: "attempt" | "deadline";
  readonly message: string;
  readonly retryable: true;
}

/**
 * The caller's `AbortSignal` fired. On `connect`, the correlation data is kept so that a call
 * aborted after it was sent can be settled from the webhooks like an {@link OutcomeUnknown}.
 */
export interface Aborted extends AttemptInfo {
  readonly _tag: "Aborted";
  readonly category: "transport";
  /** Retry advice: Your own signal stopped it. */
  readonly advice: { readonly kind: "never" };
  readonly message: string;
  /** The signal's reason, as text (secrets redacted, bounded). */
  readonly reason?: string;
  /**
   * Whether a request may have reached the server before the abort: `false` only when every
   * request was provably never sent (or none was started).
   */
  readonly sent: boolean;
  /** `connect` only: the callee, as given. */
  readonly to?: string;
  /** `connect` only: the callee's business-scoped user id, as given. */
  readonly recipient?: string;
  /** `connect` only: the correlation value the call's webhooks will carry. */
  readonly bizOpaqueCallbackData?: string;
  readonly retryable: false;
}

/**
 * The response body was larger than `maxResponseBytes`: the client stopped reading at the limit
 * and dropped the connection. Not retried (the same request would get the same answer). On
 * `connect` this is an {@link OutcomeUnknown} with cause `response-too-large` instead.
 */
export interface ResponseTooLarge extends AttemptInfo {
  readonly _tag: "ResponseTooLarge";
  readonly category: "transport";
  /** Retry advice: The same request would get the same answer. */
  readonly advice: { readonly kind: "never" };
  /** The limit in bytes (`maxResponseBytes`). */
  readonly limitBytes: number;
  /** The HTTP status of the oversized response. */
  readonly httpStatus: number;
  readonly message: string;
  readonly retryable: false;
}

/**
 * The server answered with a redirect (3xx, or an opaque redirect), which the client never
 * follows: the Graph API does not redirect, so a redirect means something in between is not the
 * API. Not retried. On `connect` this is an {@link OutcomeUnknown} with cause `redirect` instead.
 */
export interface UnexpectedRedirect extends AttemptInfo {
  readonly _tag: "UnexpectedRedirect";
  readonly category: "transport";
  /** Retry advice: Something between you and the API is misconfigured. */
  readonly advice: { readonly kind: "after-fix" };
  /** The status (0 for an opaque redirect, whose status the runtime hides). */
  readonly httpStatus: number;
  /** The `Location` header, when readable (secrets redacted, bounded). */
  readonly location?: string;
  readonly message: string;
  readonly retryable: false;
}

/**
 * A `connect` whose outcome is unknown: it may have placed the call. The Graph API has no
 * idempotency key, so wacall does not retry it; settle it from the webhooks, by
 * `bizOpaqueCallbackData`. Causes:
 * - `timeout`: no answer in time after sending;
 * - `reset`: the connection failed after the request may have left;
 * - `unreadable-response`: an answer that is neither a success nor a Graph error;
 * - `server-error`: a Graph error that does not prove the call was not placed (codes 1, 2,
 *   131000, 131016, any 5xx that is not throttling); the decoded error is in `error`;
 * - `redirect`: a 3xx answer (never followed);
 * - `response-too-large`: an answer over `maxResponseBytes`.
 */
export interface OutcomeUnknown extends AttemptInfo {
  readonly _tag: "OutcomeUnknown";
  readonly category: "transport";
  /** Retry advice: Never repeat blind: settle it from the webhooks first (`settleOutcomeUnknown`). */
  readonly advice: { readonly kind: "never" };
  readonly cause: "timeout" | "reset" | "unreadable-response" | "server-error" | "redirect" | "response-too-large";
  /** The decoded answer, when there was one (`server-error`, `unreadable-response`). */
  readonly error?: GraphError;
  /** The HTTP status, when there was an answer. */
  readonly httpStatus?: number;
  readonly to?: string;
  readonly recipient?: string;
  readonly bizOpaqueCallbackData?: string;
  readonly message: string;
  readonly retryable: false;
}

/** Transport failures of any operation. */
export type TransportError = NetworkError | Timeout | Aborted | ResponseTooLarge | UnexpectedRedirect;

/** A decoded API error of operation `O`, with the attempt history. */
export type ApiErrorOf<O extends Operation> = GraphErrorOf<O> & AttemptInfo;

/** Everything a client method of operation `O` can fail with. */
export type ClientErrorOf<O extends Operation> =
  | ApiErrorOf<O>
  | TransportError
  | InvalidInput
  | (O extends "connect" ? OutcomeUnknown : never);
