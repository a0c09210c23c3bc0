/**
 * When may a request be retried? Reads the hints Meta gives: a time inside 138012's details,
 * `Retry-After`, and `estimated_time_to_regain_access` in the usage headers.
 *
 * @module
 */
import { guard, safeNow } from "./internal/guard.js";

/** Response headers: a Fetch `Headers`, or a plain record as Node's `http` module gives. */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A clock returning epoch milliseconds; `Date.now` by default. Inject one in tests. */
export type Clock = () => number;

/**
 * One header value, case-insensitively, from either form of {@link HeadersLike}.
 *
 * @example
 * getHeader({ "retry-after": "30" }, "Retry-After"); // "30"
 */
export function getHeader(headers: HeadersLike | undefined, name: string): string | undefined {
  // A header value is bounded: nothing wacall reads from headers is longer than this.
  return guard(() => {
    const v = readHeader(headers, name);
    return v === undefined ? undefined : v.slice(0, MAX_HEADER);
  }, () => undefined);
}

const MAX_HEADER = 16 * 1024;

function readHeader(headers: HeadersLike | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null || typeof headers !== "object") return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    const v = (headers as { get(name: string): string | null }).get(name);
    return typeof v === "string" ? v : undefined;
  }
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const v = (headers as Record<string, unknown>)[key];
    if (typeof v === "string") return v;
    if (Array.isArray(v) && typeof v[0] === "string") return v[0];
  }
  return undefined;
}

const MAX_DATE_MS = 8.64e15;

function validDate(ms: number): Date | undefined {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms) : undefined;
}

/**
 * Parses a `Retry-After` value: delay seconds or an HTTP date.
 *
 * @example
 * parseRetryAfter("120", () => 0)?.getTime(); // 120000
 */
export function parseRetryAfter(value: string, clock: Clock = Date.now): Date | undefined {
  if (typeof value !== "string" || value.length > 256) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return validDate(safeNow(clock) + Number(v) * 1000);
  if (!/[a-z]/i.test(v)) return undefined;
  return validDate(Date.parse(v));
}

// A date, then optionally a time, seconds, fraction and zone. Every part is a fixed-width digit
// run or a single optional group: linear, and anchored on the date's own digits.
const isoDate =
  /(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?/i;
// 10 or 13 digits standing alone: not part of a longer number or a decimal, though a sentence's
// full stop may follow ("… allowed at 1745622600."). An optional unit says which.
const epochNumber = /(?<!\d|\d[.,])(\d{13}|\d{10})(?!\d|[.,]\d)(?:\s?(ms|milliseconds?|s|secs?|seconds?)\b)?/i;
// A relative wait: "in 30 minutes", "after 2 hours", "retry in 45 s".
const relative = /\b(?:in|after|wait(?:ing)?)\s+(\d{1,9}(?:\.\d{1,3})?)\s?(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b/i;

const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function unitOf(word: string): number {
  const w = word.toLowerCase();
  if (w === "ms" || w.startsWith("milli")) return unitMs["ms"] as number;
  return unitMs[w.charAt(0)] ?? 1000;
}

function isoToDate(m: RegExpExecArray): Date | undefined {
  const [, y, mo, d, h = "00", mi = "00", sec = "00", frac = "", zone = "Z"] = m;
  const z = zone.toUpperCase() === "UTC" || zone.toUpperCase() === "GMT" ? "Z" : zone.length === 3 ? `${zone}:00` : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = frac === "" ? "" : `.${frac.padEnd(3, "0").slice(0, 3)}`;
  // Without a zone the time is read as UTC, never as the server's local time.
  return validDate(Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${ms}${z}`));
}

/**
 * Finds a point in time in free text: an ISO 8601 date (with or without a time and a zone; no
 * zone means UTC), unix seconds (10 digits) or milliseconds (13 digits, or a number followed by
 * `ms`), anywhere in a sentence and followed by punctuation, or a relative wait such as "in 30
 * minutes" (from `clock`). Used on 138012's `details`, whose format Meta does not document.
 *
 * @example
 * timeInText("Next call allowed at 1745622600.")?.toISOString(); // "2025-04-25T23:10:00.000Z"
 */
export function timeInText(text: string, clock: Clock = Date.now): Date | undefined {
  if (typeof text !== "string") return undefined;
  const bounded = text.length > 4096 ? text.slice(0, 4096) : text;
  const iso = isoDate.exec(bounded);
  if (iso !== null) {
    const d = isoToDate(iso);
    if (d !== undefined) return d;
  }
  const num = epochNumber.exec(bounded);
  if (num?.[1] !== undefined) {
    const n = Number(num[1]);
    const unit = num[2] === undefined ? (num[1].length === 13 ? 1 : 1000) : unitOf(num[2]);
    return validDate(n * unit);
  }
  const rel = relative.exec(bounded);
  if (rel?.[1] !== undefined && rel[2] !== undefined) return validDate(safeNow(clock) + Number(rel[1]) * unitOf(rel[2]));
  return undefined;
}

function largestRegainMinutes(value: unknown, depth: number): number | undefined {
  if (value === null || typeof value !== "object" || depth > 4) return undefined;
  let best: number | undefined;
  for (const [key, v] of Object.entries(value)) {
    const candidate =
      key === "estimated_time_to_regain_access"
        ? typeof v === "number" ? v : typeof v === "string" ? Number(v) : undefined
        : largestRegainMinutes(v, depth + 1);
    if (candidate !== undefined && Number.isFinite(candidate) && candidate > 0) {
      best = best === undefined ? candidate : Math.max(best, candidate);
    }
  }
  return best;
}

const usageHeaders = ["x-business-use-case-usage", "x-app-usage", "x-ad-account-usage"] as const;

/**
 * The time access is regained according to Meta's usage headers
 * (`estimated_time_to_regain_access`, in minutes), if any header says so.
 *
 * @example
 * retryAtFromUsage({ "x-app-usage": '{"estimated_time_to_regain_access":5}' }, () => 0); // 5 min
 */
export function retryAtFromUsage(headers: HeadersLike | undefined, clock: Clock = Date.now): Date | undefined {
  let minutes: number | undefined;
  for (const name of usageHeaders) {
    const raw = getHeader(headers, name);
    if (raw === undefined || !raw.includes("estimated_time_to_regain_access")) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      continue;
    }
    const m = largestRegainMinutes(parsed, 0);
    if (m !== undefined) minutes = minutes === undefined ? m : Math.max(minutes, m);
  }
  return minutes === undefined ? undefined : validDate(safeNow(clock) + minutes * 60_000);
}

/** Inputs of {@link computeRetryAt}. */
export interface RetryHints {
  /** Error details that may contain a time (only read for codes that document one). */
  readonly details?: string | undefined;
  readonly headers?: HeadersLike | undefined;
  readonly clock?: Clock | undefined;
}

/**
 * The retry time from, in order: a time in `details`, `Retry-After`, then the usage headers.
 * Never earlier than the clock's now (a time in the past means "now").
 *
 * @example
 * computeRetryAt({ headers: { "retry-after": "10" }, clock: () => 0 })?.getTime(); // 10000
 */
export function computeRetryAt(hints: RetryHints): Date | undefined {
  return guard(() => retryAtOf(hints), () => undefined);
}

function retryAtOf(hints: RetryHints): Date | undefined {
  const clock = hints.clock ?? Date.now;
  const fromDetails = hints.details === undefined ? undefined : timeInText(hints.details, clock);
  const retryAfter = getHeader(hints.headers, "retry-after");
  const found =
    fromDetails ??
    (retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, clock)) ??
    retryAtFromUsage(hints.headers, clock);
  if (found === undefined) return undefined;
  const now = safeNow(clock);
  return found.getTime() < now ? validDate(now) : found;
}
