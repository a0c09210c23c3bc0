/**
 * Total decoding: any input becomes a {@link GraphError}; nothing here throws.
 *
 * @module
 */
import { isRetryableAdvice, type Operation, type RetryAdvice, type RetryAdviceKind } from "./catalog.js";
import {
  adviceOf,
  buildVariant,
  isCallingCode,
  malformedResponse,
  snippetLength,
  type ErrorFields,
  type GraphError,
  type MalformedReason,
} from "./errors.js";
import { bytesToText, isDict, own, parseJson, type Dict } from "./internal/json.js";
import { lookupCode } from "./internal/lookup.js";
import { guard } from "./internal/guard.js";
import { makeScrubber, redactDeep, redactField, snippetOf, type Scrubber } from "./internal/redact.js";
import { jsonUnchangedExact, plainKey, redactJson, visitJsonMembers } from "./internal/redact-json.js";
import { computeRetryAt, getHeader, type Clock, type HeadersLike } from "./retry.js";

/** What the decoder may know about where a body came from. */
export interface DecodeContext {
  /** The HTTP status of the response. */
  readonly status?: number | undefined;
  /** The response headers (`Retry-After`, usage headers, `WWW-Authenticate`). */
  readonly headers?: HeadersLike | undefined;
  /** The operation that failed: decides reused codes (613, 138013). */
  readonly operation?: Operation | undefined;
  /** Epoch milliseconds now; `Date.now` by default. */
  readonly clock?: Clock | undefined;
  /**
   * Exact secrets to scrub from every field, in any form (the client passes its access token,
   * the webhook handler its app secrets). Patterns catch the usual token forms anyway.
   */
  readonly secrets?: readonly string[] | undefined;
}

/**
 * A decode context checked once, with its scrubber built once. A class, so that a caller's
 * object that happens to have a `scrub` member is never taken for one.
 */
class Ctx implements DecodeContext {
  readonly status: number | undefined;
  readonly headers: HeadersLike | undefined;
  readonly operation: Operation | undefined;
  readonly clock: Clock | undefined;
  readonly scrub: Scrubber;
  constructor(c: DecodeContext) {
    this.status = typeof c.status === "number" && Number.isFinite(c.status) ? c.status : undefined;
    this.headers = c.headers;
    this.operation = typeof c.operation === "string" ? c.operation : undefined;
    this.clock = typeof c.clock === "function" ? c.clock : undefined;
    this.scrub = makeScrubber(Array.isArray(c.secrets) ? c.secrets : undefined);
  }
}



function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** An integer code from a number or a numeric string; anything else is `undefined`. */
export function parseCode(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === "string" && /^\s*\d{1,15}\s*$/.test(v)) return Number(v);
  return undefined;
}

function detailsOf(errorData: unknown): string | undefined {
  if (typeof errorData === "string") {
    const t = errorData.trim();
    if (t.startsWith("{")) {
      const parsed = parseJson(t);
      if (parsed.ok && isDict(parsed.value)) return detailsOf(parsed.value);
    }
    return errorData === "" ? undefined : errorData;
  }
  if (isDict(errorData)) {
    const d = own(errorData, "details");
    if (typeof d === "string") return d;
    if (typeof d === "number" || typeof d === "boolean") return String(d);
  }
  return undefined;
}


/** JSON text of a bounded copy: a user object (a cycle, a wide shared-reference graph) is never walked whole. */
function safeStringify(v: unknown): string {
  return guard(() => JSON.stringify(redactDeep(v)) ?? "", () => "", "");
}

const malformedMessages: Record<MalformedReason, string> = {
  empty: "The response body is empty.",
  "not-json": "The response body is not JSON.",
  "invalid-json": "The response body is invalid or truncated JSON.",
  "error-is-string": "The error is a plain string, not a Graph error object.",
  "no-error-object": "The response holds no Graph error object.",
  "no-code": "The error object has no usable code.",
  "success-false": "The request was answered with success: false.",
  "unexpected-success-shape": "The success response does not have the expected shape.",
  unreadable: "The response could not be read (a getter or Proxy threw while reading it).",
};

/** Builds a MalformedResponse from the decode context. */
export function malformed(
  reason: MalformedReason,
  body: unknown,
  context: DecodeContext,
  text?: string,
): GraphError {
  const ctx = withScrubber(context);
  const status = typeof ctx.status === "number" && Number.isFinite(ctx.status) ? ctx.status : undefined;
  const serverSide = status !== undefined && (status >= 500 || status === 429 || status === 408);
  const retryAt = computeRetryAt({ headers: ctx.headers, clock: ctx.clock });
  const detail = reason === "error-is-string" && isDict(body) ? guard(() => str(own(body, "error")), () => undefined) : undefined;
  const fields: ErrorFields = {
    message:
      status === undefined ? malformedMessages[reason] : `HTTP ${status}: ${malformedMessages[reason]}`,
    ...(detail !== undefined && { details: snippetOf(detail, snippetLength, ctx.scrub) }),
    ...(status !== undefined && { httpStatus: status }),
    advice: serverSide ? "backoff" : "never",
    ...(retryAt !== undefined && { retryAt }),
    raw: undefined,
  };
  const source =
    text ?? (typeof body === "string" ? body : body === undefined || reason === "unreadable" ? "" : safeStringify(body));
  return malformedResponse(reason, snippetOf(source, snippetLength, ctx.scrub), fields);
}


/** Pairs of (string, its redactField) as the two lists `redactJson` takes; pairs with a hole are left out. */
function alreadyRedacted(...pairs: readonly (readonly [string | undefined, string | undefined])[]): [string[], string[]] {
  const known: string[] = [];
  const done: string[] = [];
  for (const [from, to] of pairs) {
    if (from !== undefined && to !== undefined) {
      known.push(from);
      done.push(to);
    }
  }
  return [known, done];
}

/** The members of a Graph or webhook error object that decoding reads (each `undefined` when absent). */
interface ErrorMembers {
  message: unknown;
  title: unknown;
  code: unknown;
  errorData: unknown;
  subcode: unknown;
  trace: unknown;
  transient: unknown;
  userTitle: unknown;
  userMessage: unknown;
  href: unknown;
}

/** The members of a caller's object, each read as an own property. */
function ownMembers(obj: Dict): ErrorMembers {
  return {
    message: own(obj, "message"),
    title: own(obj, "title"),
    code: own(obj, "code"),
    errorData: own(obj, "error_data"),
    subcode: own(obj, "error_subcode"),
    trace: own(obj, "fbtrace_id"),
    transient: own(obj, "is_transient"),
    userTitle: own(obj, "error_user_title"),
    userMessage: own(obj, "error_user_msg"),
    href: own(obj, "href"),
  };
}

/** Members not seen yet, for {@link takeMember} to fill. */
function emptyMembers(): ErrorMembers {
  return { message: undefined, title: undefined, code: undefined, errorData: undefined, subcode: undefined, trace: undefined, transient: undefined, userTitle: undefined, userMessage: undefined, href: undefined };
}

/** The keys `takeMember` reads (keep both in step: a test decodes every key both ways). */
const memberKeys = ["message", "title", "code", "error_data", "error_subcode", "fbtrace_id", "is_transient", "error_user_title", "error_user_msg", "href"];
/** Whether every member key is plain (no credential name, no pattern): true, checked once here. */
const memberKeysPlain = memberKeys.every(plainKey);

/**
 * Keeps one member of an object `JSON.parse` just made, if decoding reads it; `true` for a key
 * of {@link memberKeys}, which are plain keys.
 */
function takeMember(m: ErrorMembers, key: string, value: unknown): boolean {
  switch (key) {
    case "message": m.message = value; break;
    case "title": m.title = value; break;
    case "code": m.code = value; break;
    case "error_data": m.errorData = value; break;
    case "error_subcode": m.subcode = value; break;
    case "fbtrace_id": m.trace = value; break;
    case "is_transient": m.transient = value; break;
    case "error_user_title": m.userTitle = value; break;
    case "error_user_msg": m.userMessage = value; break;
    case "href": m.href = value; break;
    default: return false;
  }
  return memberKeysPlain;
}

/** Advice without a retry time, one frozen value per kind (the value is the same every time). */
const plainAdvice = new Map<RetryAdviceKind, RetryAdvice>();
function adviceFor(kind: RetryAdviceKind, retryAt: Date | undefined): RetryAdvice {
  if (retryAt !== undefined) return adviceOf(kind, retryAt);
  let a = plainAdvice.get(kind);
  if (a === undefined) {
    a = Object.freeze(adviceOf(kind, undefined));
    plainAdvice.set(kind, a);
  }
  return a;
}

/**
 * Decodes a Graph error object (`{code, message, error_data, …}`) or a webhook error object
 * (`{code, title, message, error_data, href}`).
 */
function decodeErrorObject(obj: Dict, envelope: Dict | undefined, ctx: Ctx, fromJson: boolean): GraphError {
  // An object JSON.parse just made is read in one pass over its own keys (no getters there),
  // which also tells, screened, whether redaction leaves it as it is. When it says "unsure" (a
  // string to redact, or too many keys to visit), the members are read one by one: that path
  // redacts and copies anyway.
  const visited = fromJson ? emptyMembers() : undefined;
  const screenedClean = visited !== undefined && visitJsonMembers(obj, visited, takeMember, ctx.scrub);
  const m = screenedClean ? visited : ownMembers(obj);
  const rawMessage = str(m.message) ?? str(m.title);
  let code = parseCode(m.code);
  if (code === undefined && rawMessage !== undefined) {
    const match = /^\s*\(#(\d{1,15})\)/.exec(rawMessage);
    if (match?.[1] !== undefined) code = Number(match[1]);
  }
  if (code === undefined) return malformed("no-code", envelope ?? obj, ctx);

  const row = lookupCode(code, ctx.operation);
  const scrub = ctx.scrub;
  // Every string of a parsed object that redaction leaves as it is, is kept as it is, raw too.
  const clean = fromJson && (screenedClean || jsonUnchangedExact(obj, scrub));
  const errorData = m.errorData;
  const rawDetails = detailsOf(errorData);
  const directDetails = typeof errorData === "string" ? rawDetails === errorData : isDict(errorData) && rawDetails === own(errorData, "details");
  const details = rawDetails === undefined ? undefined : clean && directDetails ? rawDetails : redactField(rawDetails, scrub);
  const subcode = parseCode(m.subcode);
  const ownTrace = str(m.trace);
  const envelopeTrace = envelope === undefined || ownTrace !== undefined ? undefined : str(own(envelope, "__fb_trace_id__"));
  const trace = ownTrace ?? envelopeTrace;
  const fbtraceId = trace === undefined ? undefined : clean && trace === ownTrace ? trace : redactField(trace, scrub);
  const transient = m.transient;
  const userTitle = str(m.userTitle);
  const userMessage = str(m.userMessage);
  const href = str(m.href);
  const headerMessage = rawMessage === undefined ? getHeader(ctx.headers, "www-authenticate") : undefined;
  const message = rawMessage === undefined ? headerMessage && redactField(headerMessage, scrub) : clean ? rawMessage : redactField(rawMessage, scrub);
  const retryDetails = row !== undefined && "retryTimeInDetails" in row ? details : undefined;
  // Without details to read or headers, there is no retry time to find.
  const retryAt = retryDetails === undefined && ctx.headers === undefined ? undefined : computeRetryAt({ details: retryDetails, headers: ctx.headers, clock: ctx.clock });
  const isTransient = typeof transient === "boolean" ? transient : undefined;
  // An uncataloged code is to be retried only when Meta says it is transient.
  const kind: RetryAdviceKind = row?.advice ?? (isTransient === true ? "backoff" : "never");
  const safeTitle = userTitle === undefined || clean ? userTitle : redactField(userTitle, scrub);
  const safeUserMessage = userMessage === undefined || clean ? userMessage : redactField(userMessage, scrub);
  const safeHref = href === undefined || clean ? href : redactField(href, scrub);
  // A value JSON.parse just made needs none of the guards of a caller's object, and the strings
  // redacted above are not redacted again in its copy.
  const raw = clean
    ? obj
    : fromJson
      ? redactJson(obj, scrub, ...alreadyRedacted([rawMessage, message], [rawDetails, details], [ownTrace, fbtraceId], [userTitle, safeTitle], [userMessage, safeUserMessage], [href, safeHref]))
      : redactDeep(obj, scrub);
  const head =
    row === undefined
      ? { _tag: isCallingCode(code) ? "UnknownCallingError" : "UnknownGraphError", category: "unknown", code }
      : { _tag: row.tag as string, category: row.category as string, code };
  return buildVariant(
    head,
    message === undefined ? (row?.summary ?? `Unknown ${isCallingCode(code) ? "calling" : "Graph"} error code ${code}`) : message,
    details,
    subcode,
    fbtraceId,
    ctx.status,
    isTransient,
    safeTitle,
    safeUserMessage,
    isRetryableAdvice(kind) || isTransient === true,
    retryAt,
    raw,
    adviceFor(kind, retryAt),
    safeHref,
  );
}

/**
 * Decodes anything a failed Calling API request, a proxy or a webhook can hand you into a
 * {@link GraphError}. Total: it never throws, whatever the input.
 *
 * Accepts a raw body (string or bytes), a parsed `{error: …}` envelope, a bare Graph error
 * object, or a webhook error object.
 *
 * @example
 * const e = decodeGraphError('{"error":{"code":138006,"message":"(#138006) No approved call permission found"}}', { status: 401 });
 * e._tag; // "CallPermissionNotFound"
 */
export function decodeGraphError(body: unknown, context: DecodeContext = {}): GraphError {
  // guard() written out: no closures to allocate on every call.
  try {
    return decodeAny(body, withScrubber(context));
  } catch {
    return unreadable(context);
  }
}

/** The value for a body or context that threw while being read; never throws. */
function unreadable(context: DecodeContext): GraphError {
  return guard(() => malformed("unreadable", undefined, context), () => unreadableFallback, unreadableFallback);
}

/**
 * The classification step of {@link decodeGraphError} alone, for a value `JSON.parse` just made
 * from `text` (internal: lets the benchmark's schema-library versions validate with their
 * schema, then build exactly what wacall builds). Never throws.
 */
export function classifyParsed(value: unknown, text: string, context: DecodeContext = {}): GraphError {
  try {
    return decodeParsed(value, withScrubber(context), text);
  } catch {
    return unreadable(context);
  }
}

/** Returned only if building even the fallback failed (a context whose getters throw). */
const unreadableFallback = malformedResponse("unreadable", "", { message: malformedMessages.unreadable });

function withScrubber(context: DecodeContext | Ctx): Ctx {
  if (context instanceof Ctx) return context;
  return new Ctx(isDict(context) ? context : {});
}

function decodeAny(body: unknown, context: Ctx): GraphError {
  const text = bytesToText(body);
  if (text !== undefined) {
    // The first character of a body is almost always its first non-space one.
    let first = text.charCodeAt(0);
    if (first !== 0x7b && first !== 0x5b) {
      const start = text.search(/\S/);
      if (start === -1) return malformed("empty", body, context, text);
      first = text.charCodeAt(start);
    }
    // Sniff before parsing: only '{' or '[' can start a Graph error.
    if (first !== 0x7b && first !== 0x5b) return malformed("not-json", body, context, text);
    // A truncated body almost never ends with the closing bracket: classify it without paying
    // for a throwing JSON.parse.
    const last = text.charCodeAt(lastNonSpace(text));
    if (last !== (first === 0x7b ? 0x7d : 0x5d)) return malformed("invalid-json", body, context, text);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return malformed("invalid-json", body, context, text);
    }
    return decodeParsed(value, context, text);
  }
  return decodeParsed(body, context, undefined);
}

function lastNonSpace(text: string): number {
  let i = text.length - 1;
  while (i > 0) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i--;
  }
  return i;
}

function decodeParsed(value: unknown, ctx: Ctx, text: string | undefined): GraphError {
  if (!isDict(value)) {
    return malformed(value === undefined || value === null ? "empty" : "no-error-object", value, ctx, text);
  }
  const error = own(value, "error");
  if (isDict(error)) return decodeErrorObject(error, value, ctx, text !== undefined);
  if (typeof error === "string") return malformed("error-is-string", value, ctx, text);
  if (own(value, "code") !== undefined) return decodeErrorObject(value, undefined, ctx, text !== undefined);
  if (own(value, "success") === false) return malformed("success-false", value, ctx, text);
  return malformed("no-error-object", value, ctx, text);
}
