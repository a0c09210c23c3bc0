/**
 * Secret redaction for anything that ends up in an error value: access tokens, `Bearer` header
 * values, `access_token` query parameters, and SDP ICE credentials.
 */

const patterns: readonly (readonly [RegExp, string])[] = [
  [/EAA[A-Za-z0-9]{8,}/g, "EAA[redacted]"],
  [/\b(Bearer|OAuth)\s+[^\s"',;]+/gi, "$1 [redacted]"],
  [/(access_token=)[^&\s"']+/gi, "$1[redacted]"],
  [/(a=ice-(?:pwd|ufrag):)[^\s"'\\]*/gi, "$1[redacted]"],
];

const quick = /EAA[A-Za-z0-9]{8}|bearer\s|oauth\s|access_token|ice-(?:pwd|ufrag)/i;

/** Redacts secrets from a string. Returns the same string when there is nothing to redact. */
export function redact(text: string): string {
  if (!quick.test(text)) return text;
  let out = text;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}

/**
 * Whether JSON text holds nothing to redact once parsed: one scan of the text instead of one per
 * string. A `\\u` escape could spell a secret the scan cannot see, so such text is not vouched for.
 */
export function isCleanText(json: string): boolean {
  return !quick.test(json) && !json.includes("\\u");
}

const MAX_DEPTH = 8;
const MAX_ITEMS = 64;

/** Whether a value is already safe to keep as is: no secret, within the depth and size bounds. */
function isClean(value: unknown, depth: number): boolean {
  if (typeof value === "string") return !quick.test(value);
  if (value === null || typeof value !== "object") return typeof value !== "function";
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS) return false;
    for (const v of value) if (!isClean(v, depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
  let n = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (++n > MAX_ITEMS || quick.test(key) || !isClean((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/**
 * The value itself when it is a plain JSON-like value with nothing to redact; otherwise a copy
 * with every string redacted and bounded in depth and breadth, so a hostile payload cannot make
 * the copy expensive. `__proto__` keys are copied as own data properties.
 */
export function redactDeep(value: unknown): unknown {
  return isClean(value, 0) ? value : copyRedacted(value, 0);
}

/** Whether {@link redactDeep} would return the value itself (every string in it is clean). */
export function isCleanDeep(value: unknown): boolean {
  return isClean(value, 0);
}

/** {@link redactDeep} for a value already found not clean. */
export function copyRedactedDeep(value: unknown): unknown {
  return copyRedacted(value, 0);
}

function copyRedacted(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => copyRedacted(v, depth + 1));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key of Object.keys(value)) {
    if (n++ >= MAX_ITEMS) break;
    const v = copyRedacted((value as Record<string, unknown>)[key], depth + 1);
    if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[redact(key)] = v;
  }
  return out;
}

/** The start of a text, secrets redacted, at most `max` characters. */
export function snippetOf(text: string, max: number): string {
  // Redact a little past the cut so a secret straddling it is still recognised.
  return redact(text.slice(0, max + 512)).slice(0, max);
}
