/**
 * SIP failures as values: a SIP response (status line, optionally with headers) becomes the same
 * variant as the Graph error that means the same thing, or a SIP variant of its own.
 *
 * @module
 */
import { isRetryableAdvice, type CategoryOf, type RetryAdvice } from "./catalog.js";
import { adviceOf, graphError, type KnownError } from "./errors.js";
import { guard } from "./internal/guard.js";
import { bytesToText, isDict, own } from "./internal/json.js";
import { bound, makeScrubber, redactField, snippetOf } from "./internal/redact.js";
import { computeRetryAt, type Clock } from "./retry.js";
import { sipCatalog, type SipEntry, type SipOnlyTag, type SipTwinTag } from "./sip-catalog.js";

/** What every SIP-decoded value carries besides its variant's fields. */
export interface SipFields {
  /** Where the failure came from. */
  readonly channel: "sip";
  /** The SIP status code (0 when the text held none). */
  readonly sipStatus: number;
  /** The reason phrase as sent (secrets redacted, bounded). */
  readonly sipReason: string;
  /** The text of a `Warning: 399 <host> "<text>"` header, when present. */
  readonly warning?: string;
}

/** The metadata of SIP variants that have no Graph twin (no Graph code, no trace id). */
export interface SipMetadata {
  /** The status and reason phrase, or the catalog summary. */
  readonly message: string;
  /** Whether the same call may succeed later without a change on the caller's side. */
  readonly retryable: boolean;
  /** What to do about a retry (see `RetryAdvice`). */
  readonly advice: RetryAdvice;
  /** From a `Retry-After` header, when present. Never before decode time. */
  readonly retryAt?: Date;
  /** The response text as received (secrets redacted, at most 8 KB). */
  readonly raw: string;
}

/** A SIP failure with a Graph twin: the twin's variant (same tag, same Graph code), from SIP. */
export type SipTwinError = { [T in SipTwinTag]: KnownError<T> & SipFields }[SipTwinTag];

/** A SIP failure with no Graph twin (server not configured, user declined, …). */
export type SipOnlyError = {
  [T in SipOnlyTag]: { readonly _tag: T; readonly category: Extract<SipEntry, { readonly tag: T }>["category"] } & SipMetadata & SipFields;
}[SipOnlyTag];

/** A SIP response wacall does not catalog; the status is kept. */
export type UnknownSipResponse = { readonly _tag: "UnknownSipResponse"; readonly category: "unknown" } & SipMetadata & SipFields;

/** A text that holds no SIP status line at all. */
export type MalformedSipResponse = { readonly _tag: "MalformedSipResponse"; readonly category: "malformed" } & SipMetadata & SipFields;

/** Everything {@link decodeSipResponse} can return. */
export type SipError = SipTwinError | SipOnlyError | UnknownSipResponse | MalformedSipResponse;

/** The tag of any {@link SipError}. */
export type SipErrorTag = SipError["_tag"];

/** Options of {@link decodeSipResponse}. */
export interface SipDecodeOptions {
  /** Epoch milliseconds now, for `Retry-After`; `Date.now` by default. */
  readonly clock?: Clock;
  /** Exact secrets to scrub (e.g. SIP credentials), in any form. */
  readonly secrets?: readonly string[];
}

const MAX_TEXT = 64 * 1024;
const statusLine = /^[ \t]*(?:SIP\/2\.0[ \t]+)?(\d{3})(?![\d])[ \t]*([^\r\n]*)/i;
const warningText = /^\d{3}[ \t]+\S+[ \t]+"([^"]*)"/;

interface Parsed {
  readonly status: number;
  readonly reason: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

function parseText(text: string): Parsed | undefined {
  const t = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const start = t.search(/\S/);
  if (start === -1) return undefined;
  const lines = t.slice(start).split(/\r?\n/);
  const m = statusLine.exec(lines[0] ?? "");
  if (m?.[1] === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (line.trim() === "") break;
    const i = line.indexOf(":");
    if (i > 0) Object.defineProperty(headers, line.slice(0, i).trim().toLowerCase(), { value: line.slice(i + 1).trim(), enumerable: true, configurable: true, writable: true });
  }
  return { status: Number(m[1]), reason: (m[2] ?? "").trim(), headers, text: t };
}

function parseInput(input: unknown): Parsed | undefined {
  const text = bytesToText(input);
  if (text !== undefined) return parseText(text);
  if (!isDict(input)) return undefined;
  const status = own(input, "status");
  const reason = own(input, "reason");
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 699) return undefined;
  const r = typeof reason === "string" ? reason : "";
  return { status, reason: r, headers: {}, text: `SIP/2.0 ${status} ${r}` };
}

function rowFor(status: number, reason: string, warning: string | undefined): SipEntry | undefined {
  const haystack = `${reason} ${warning ?? ""}`.toLowerCase();
  for (const row of sipCatalog) {
    if (row.status !== status) continue;
    const phrases: readonly string[] = row.phrases;
    if (phrases.length === 0 || phrases.some((p) => haystack.includes(p))) return row;
  }
  return undefined;
}

/**
 * Decodes a SIP failure response (a status line such as `SIP/2.0 403 No Approved Call Permission
 * Found`, optionally followed by headers, as text or bytes; or `{ status, reason }`) into a
 * {@link SipError}. Where the SIP failure means the same as a Graph error it is that variant
 * (`CallPermissionNotFound`, `BusinessInitiatedCallsLimitHit`, `MediaReceiveTimeout`, …), so one
 * handler covers both channels; every value carries `channel: "sip"`, the SIP status and the
 * reason phrase. Total: it never throws.
 *
 * @example
 * decodeSipResponse("SIP/2.0 403 No Approved Call Permission Found")._tag; // "CallPermissionNotFound"
 */
export function decodeSipResponse(response: unknown, options: SipDecodeOptions = {}): SipError {
  return guard(
    () => decode(response, options),
    () => malformedSip("The SIP response could not be read.", ""),
    fallback,
  );
}

function malformedSip(message: string, raw: string): MalformedSipResponse {
  return { _tag: "MalformedSipResponse", category: "malformed", channel: "sip", sipStatus: 0, sipReason: "", message, retryable: false, advice: { kind: "never" }, raw };
}

const fallback = malformedSip("The SIP response could not be read.", "");

function decode(response: unknown, options: SipDecodeOptions): SipError {
  const opts = isDict(options) ? options : {};
  const secrets = own(opts, "secrets");
  const clock = own(opts, "clock");
  const scrub = makeScrubber(Array.isArray(secrets) ? secrets : undefined);
  const parsed = parseInput(response);
  if (parsed === undefined) {
    const text = bytesToText(response);
    return malformedSip("No SIP status line was found.", text === undefined ? "" : snippetOf(text, 256, scrub));
  }
  const rawWarning = parsed.headers["warning"];
  const w = rawWarning === undefined ? undefined : warningText.exec(rawWarning);
  const warning = rawWarning === undefined ? undefined : redactField(w?.[1] ?? rawWarning, scrub);
  const sipReason = bound(redactField(parsed.reason, scrub), 1024);
  const row = rowFor(parsed.status, parsed.reason, w?.[1] ?? rawWarning);
  const retryAt = computeRetryAt({ headers: parsed.headers, ...(typeof clock === "function" && { clock: clock as Clock }) });
  const sip = { channel: "sip" as const, sipStatus: parsed.status, sipReason, ...(warning !== undefined && { warning }) };
  const message = sipReason === "" ? `SIP ${parsed.status}` : `SIP ${parsed.status} ${sipReason}`;
  const raw = redactField(parsed.text, scrub);
  if (row === undefined) {
    const kind = parsed.status >= 500 && parsed.status < 600 ? "backoff" : "never";
    return { _tag: "UnknownSipResponse", category: "unknown", ...sip, message, retryable: isRetryableAdvice(kind), ...(retryAt !== undefined && { retryAt }), advice: adviceOf(kind, retryAt), raw };
  }
  if ("twin" in row) {
    const twin = graphError(row.twin);
    return {
      _tag: row.tag,
      category: twin.category as CategoryOf<typeof row.tag>,
      code: twin.code,
      ...sip,
      message,
      retryable: isRetryableAdvice(row.advice),
      ...(retryAt !== undefined && { retryAt }),
      advice: adviceOf(row.advice, retryAt),
      raw,
    } as SipTwinError;
  }
  return { _tag: row.tag, category: row.category, ...sip, message, retryable: isRetryableAdvice(row.advice), ...(retryAt !== undefined && { retryAt }), advice: adviceOf(row.advice, retryAt), raw } as SipOnlyError;
}
