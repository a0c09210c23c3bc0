/**
 * The error union, derived from the catalog, and the constructors that build its values.
 *
 * @module
 */
import {
  catalog,
  callingCodeRange,
  isRetryableAdvice,
  retryAdviceKinds,
  type AdviceOf,
  type RetryAdvice,
  type RetryAdviceKind,
  type CallingTag,
  type CatalogEntry,
  type CategoryOf,
  type KnownTag,
  type Operation,
} from "./catalog.js";
import { guard } from "./internal/guard.js";
import { isDict } from "./internal/json.js";
import { redactDeep, redactField, snippetOf } from "./internal/redact.js";

/**
 * The metadata every variant carries, under the same names, so handlers can read it before
 * narrowing. Optional fields are omitted (not `undefined`) when the payload does not carry them.
 */
export interface ErrorMetadata {
  /** Meta's message, as received (secrets redacted), or the catalog summary when absent. */
  readonly message: string;
  /** `error_data.details` (or a plain-string `error_data`): often the precise problem. */
  readonly details?: string;
  /** `error_subcode`. */
  readonly subcode?: number;
  /** `fbtrace_id`: quote it when asking Meta for support. */
  readonly fbtraceId?: string;
  /** The HTTP status of the response, when there was one. */
  readonly httpStatus?: number;
  /** `is_transient` as sent by Meta. */
  readonly isTransient?: boolean;
  /** `error_user_title`: a localized title meant for end users. */
  readonly userTitle?: string;
  /** `error_user_msg`: a localized message meant for end users. */
  readonly userMessage?: string;
  /** `href` of a webhook error object: Meta's documentation page for the code. */
  readonly href?: string;
  /**
   * Whether the same request may succeed later without a change on the caller's side: derived
   * from `advice` (`backoff`, `at`, `after-current-call`), or `is_transient: true` from Meta.
   */
  readonly retryable: boolean;
  /**
   * What to do about a retry, from the catalog: `backoff` (or `at` with the time, when
   * `retryAt` is known), `after-current-call`, `after-permission`, `after-fix`, `refresh-token`,
   * `never`. Literal per variant at the type level.
   */
  readonly advice: RetryAdvice;
  /** When a retry is allowed, if the payload or headers say so. Never before decode time. */
  readonly retryAt?: Date;
  /** The error object as received (strings with secrets redacted). */
  readonly raw: unknown;
  /**
   * Present only when wacall refused the request itself, before sending it: `"limit-governor"`
   * when a limit governor (`governed(client, governor)`) counted the request over one of Meta's
   * limits. Absent on everything Meta answered.
   */
  readonly decidedBy?: "limit-governor";
}

/** A cataloged variant: `_tag`, its category, the code received, and the shared metadata. */
export type KnownError<T extends KnownTag> = {
  readonly _tag: T;
  readonly category: CategoryOf<T>;
  readonly code: number;
  readonly advice: AdviceOf<T>;
} & Omit<ErrorMetadata, "advice">;

/** An undocumented Calling API code (138000-138999). The number is kept. */
export type UnknownCallingError = {
  readonly _tag: "UnknownCallingError";
  readonly category: "unknown";
  readonly code: number;
} & ErrorMetadata;

/** A Graph code wacall does not catalog. The number is kept. */
export type UnknownGraphError = {
  readonly _tag: "UnknownGraphError";
  readonly category: "unknown";
  readonly code: number;
} & ErrorMetadata;

/** Every reason a response can be a {@link MalformedResponse}. */
export const malformedReasons = [
  "empty",
  "not-json",
  "invalid-json",
  "error-is-string",
  "no-error-object",
  "no-code",
  "success-false",
  "unexpected-success-shape",
  "unreadable",
] as const;

/** Why a response could not be read (one of {@link malformedReasons}). */
export type MalformedReason = (typeof malformedReasons)[number];

/**
 * A body that is not a Graph error at all (HTML, truncated JSON, `{"error": "text"}`, empty),
 * or a 2xx body that is not the expected success. Keeps the status and a bounded snippet.
 */
export type MalformedResponse = {
  readonly _tag: "MalformedResponse";
  readonly category: "malformed";
  readonly reason: MalformedReason;
  /** The start of the body (at most {@link snippetLength} characters, secrets redacted). */
  readonly snippet: string;
} & ErrorMetadata;

/** How many characters of a body a {@link MalformedResponse} keeps. */
export const snippetLength = 256;

/** Every Calling API failure: the documented calling codes and undocumented 138xxx codes. */
export type CallingError = { [T in CallingTag]: KnownError<T> }[CallingTag] | UnknownCallingError;

/** Everything a Graph error body can decode to: every cataloged code and the three fallbacks. */
export type GraphError =
  | { [T in KnownTag]: KnownError<T> }[KnownTag]
  | UnknownCallingError
  | UnknownGraphError
  | MalformedResponse;

/** The tag of any {@link GraphError}. */
export type GraphErrorTag = GraphError["_tag"];

/** The tag of any {@link CallingError}. */
export type CallingErrorTag = CallingError["_tag"];

/** The catalog rows an operation can answer with. */
type RowsFor<O extends Operation, R = CatalogEntry> = R extends { readonly operations: readonly (infer X)[] }
  ? O extends X
    ? R
    : never
  : never;

/** The tags operation `O` can fail with, from the catalog (plus the fallbacks). */
export type GraphErrorTagOf<O extends Operation> =
  | RowsFor<O>["tag"]
  | "UnknownCallingError"
  | "UnknownGraphError"
  | "MalformedResponse";

/**
 * What operation `O` can fail with: the catalog rows listing `O`, and the three fallbacks.
 * A code that the catalog does not list for `O` is decoded as an unknown variant (number kept).
 */
export type GraphErrorOf<O extends Operation> = Extract<GraphError, { readonly _tag: GraphErrorTagOf<O> }>;

/** The variant of {@link GraphError} with tag `T`. */
export type ErrorOf<T extends GraphErrorTag> = Extract<GraphError, { readonly _tag: T }>;

/** The fields a constructor takes besides the tag and code. */
export type ErrorFields = Partial<Omit<ErrorMetadata, "retryable" | "raw" | "advice">> & {
  readonly retryable?: boolean;
  readonly raw?: unknown;
  /** Overrides the catalog's advice kind (`retryable` then follows it unless given). */
  readonly advice?: RetryAdviceKind;
};

/**
 * The advice value of a kind: `backoff` with a known retry time becomes `{ kind: "at", at }`.
 *
 * @example
 * adviceOf("backoff", new Date(0)); // { kind: "at", at: Date(0) }
 */
export function adviceOf(kind: RetryAdviceKind, retryAt: Date | undefined): RetryAdvice {
  const k: RetryAdviceKind = typeof kind === "string" && (retryAdviceKinds as readonly string[]).includes(kind) ? kind : "never";
  const at = date(retryAt);
  return k === "backoff" && at !== undefined ? { kind: "at", at } : { kind: k };
}

const rowByTag = new Map<string, CatalogEntry>(catalog.map((r) => [r.tag, r]));

function firstCode(row: CatalogEntry): number {
  const rule = row.codes[0];
  return typeof rule === "number" ? rule : rule.code;
}

/**
 * Builds a variant with its metadata, optional fields omitted. Positional and assigned one by one
 * because this is the decoder's hot path (spreads or a polymorphic options object cost more than
 * the JSON parse). Internal: use the constructors below.
 */
export function buildVariant(
  head: { _tag: string; category: string; code?: number; reason?: MalformedReason; snippet?: string },
  message: string,
  details: string | undefined,
  subcode: number | undefined,
  fbtraceId: string | undefined,
  httpStatus: number | undefined,
  isTransient: boolean | undefined,
  userTitle: string | undefined,
  userMessage: string | undefined,
  retryable: boolean,
  retryAt: Date | undefined,
  raw: unknown,
  advice: RetryAdvice,
  href?: string,
): GraphError {
  const out = head as Record<string, unknown>;
  out["message"] = message;
  if (details !== undefined) out["details"] = details;
  if (subcode !== undefined) out["subcode"] = subcode;
  if (fbtraceId !== undefined) out["fbtraceId"] = fbtraceId;
  if (httpStatus !== undefined) out["httpStatus"] = httpStatus;
  if (isTransient !== undefined) out["isTransient"] = isTransient;
  if (userTitle !== undefined) out["userTitle"] = userTitle;
  if (userMessage !== undefined) out["userMessage"] = userMessage;
  if (href !== undefined) out["href"] = href;
  out["retryable"] = retryable;
  if (retryAt !== undefined) out["retryAt"] = retryAt;
  out["advice"] = advice;
  out["raw"] = raw;
  return out as unknown as GraphError;
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? redactField(v) : undefined);
const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);
const date = (v: unknown): Date | undefined =>
  guard(() => (v instanceof Date && !Number.isNaN(v.getTime()) ? new Date(v.getTime()) : undefined), () => undefined);

/**
 * Builds a variant from caller-given fields: strings redacted and bounded, `raw` copied
 * JSON-safe, wrong-typed fields dropped, so a constructed value keeps the same promises as a
 * decoded one. Never throws.
 */
function fromFields(head: Parameters<typeof buildVariant>[0], fields: ErrorFields, fallbackMessage: string, defaultKind: RetryAdviceKind): GraphError {
  const f = guard(() => ({ ...fields }), () => ({}) as ErrorFields, {} as ErrorFields);
  const isTransient = bool(f.isTransient);
  const kind = typeof f.advice === "string" && (retryAdviceKinds as readonly string[]).includes(f.advice) ? f.advice : defaultKind;
  const retryAt = date(f.retryAt);
  const built = buildVariant(
    head,
    text(f.message) ?? fallbackMessage,
    text(f.details),
    int(f.subcode),
    text(f.fbtraceId),
    int(f.httpStatus),
    isTransient,
    text(f.userTitle),
    text(f.userMessage),
    bool(f.retryable) ?? (isRetryableAdvice(kind) || isTransient === true),
    retryAt,
    f.raw === undefined ? undefined : redactDeep(f.raw),
    adviceOf(kind, retryAt),
    text(f.href),
  );
  if (f.decidedBy === "limit-governor") (built as { decidedBy?: "limit-governor" }).decidedBy = "limit-governor";
  return built;
}

/**
 * Builds a cataloged variant. The code defaults to the documented one; category, message and
 * retryability default from the catalog.
 *
 * @example
 * const e = graphError("CallPermissionNotFound", { httpStatus: 401 });
 * e.code; // 138006
 */
export function graphError<T extends KnownTag>(
  tag: T,
  fields: ErrorFields & { readonly code?: number } = {},
): ErrorOf<T> {
  const row = typeof tag === "string" ? rowByTag.get(tag) : undefined;
  const code = guard(() => (isDict(fields) ? fields.code : undefined), () => undefined);
  if (row === undefined) {
    // Only a caller the types do not protect gets here: keep the code, say what was wrong.
    return unknownError(typeof code === "number" ? code : 0, { message: "Unknown tag given to graphError" }) as unknown as ErrorOf<T>;
  }
  const head = { _tag: row.tag as string, category: row.category as string, code: typeof code === "number" && Number.isFinite(code) ? code : firstCode(row) };
  return fromFields(head, fields, row.summary, row.advice) as ErrorOf<T>;
}

/**
 * Builds the fallback for a code wacall does not catalog: `UnknownCallingError` inside the
 * Calling API's range (138000-138999), `UnknownGraphError` elsewhere.
 *
 * @example
 * unknownError(138016)._tag; // "UnknownCallingError"
 */
export function unknownError(code: number, fields: ErrorFields = {}): UnknownCallingError | UnknownGraphError {
  if (typeof code !== "number" || !Number.isFinite(code)) code = 0;
  const calling = isCallingCode(code);
  const head = { _tag: calling ? "UnknownCallingError" : "UnknownGraphError", category: "unknown", code };
  return fromFields(head, fields, `Unknown ${calling ? "calling" : "Graph"} error code ${code}`, transientKind(fields)) as
    | UnknownCallingError
    | UnknownGraphError;
}

/** The advice of an uncataloged code: retried only when Meta says it is transient (as the decoder does). */
function transientKind(fields: ErrorFields): RetryAdviceKind {
  return guard(() => (isDict(fields) && fields.isTransient === true ? "backoff" : "never"), () => "never");
}

/** Whether a code is in the Calling API's range (138000-138999). */
export function isCallingCode(code: number): boolean {
  return typeof code === "number" && code >= callingCodeRange[0] && code <= callingCodeRange[1];
}

/**
 * Builds a {@link MalformedResponse}.
 *
 * @example
 * malformedResponse("not-json", "<html>…", { httpStatus: 502 });
 */
export function malformedResponse(
  reason: MalformedReason,
  snippet: string,
  fields: ErrorFields = {},
): MalformedResponse {
  const safeReason: MalformedReason = typeof reason === "string" && (malformedReasons as readonly string[]).includes(reason) ? reason : "unreadable";
  const head = { _tag: "MalformedResponse", category: "malformed", reason: safeReason, snippet: typeof snippet === "string" ? snippetOf(snippet, snippetLength) : "" };
  return fromFields(head, fields, `Malformed response (${safeReason})`, "never") as MalformedResponse;
}

/**
 * Narrows a decoded error to what operation `op` can fail with: a cataloged variant the catalog
 * does not list for `op` becomes the unknown variant for its code (number, message and metadata
 * kept), so per-operation matches stay small and honest.
 *
 * @example
 * forOperation(graphError("CallPermissionRequestLimitHit"), "connect")._tag; // "UnknownCallingError"
 */
export function forOperation<O extends Operation>(e: GraphError, op: O): GraphErrorOf<O> {
  return guard(() => narrowTo(e, op), () => malformedResponse("unreadable", "") as GraphErrorOf<O>, unreadableError as GraphErrorOf<O>);
}

const unreadableError = { _tag: "MalformedResponse", category: "malformed", reason: "unreadable", snippet: "", message: "Unreadable error value", retryable: false, advice: { kind: "never" }, raw: undefined } as const;

function narrowTo<O extends Operation>(e: GraphError, op: O): GraphErrorOf<O> {
  if (typeof e !== "object" || e === null) return malformedResponse("unreadable", "") as GraphErrorOf<O>;
  if (e._tag === "MalformedResponse" || e._tag === "UnknownCallingError" || e._tag === "UnknownGraphError") {
    return e as GraphErrorOf<O>;
  }
  const row = rowByTag.get(e._tag);
  if (row === undefined) return malformedResponse("unreadable", "") as GraphErrorOf<O>;
  if ((row.operations as readonly Operation[]).includes(op)) return e as GraphErrorOf<O>;
  const { _tag: _t, category: _c, code, advice, ...meta } = e;
  return unknownError(code, { ...meta, advice: advice.kind === "at" ? "backoff" : advice.kind }) as GraphErrorOf<O>;
}
