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

const quick = /EAA|bearer|oauth|access_token|ice-/i;

/** Redacts secrets from a string. Returns the same string when there is nothing to redact. */
export function redact(text: string): string {
  if (!quick.test(text)) return text;
  let out = text;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}

/**
 * A copy of a JSON-like value with every string redacted and bounded in depth and breadth, so a
 * hostile payload cannot make the copy expensive. Plain objects are rebuilt without prototypes
 * being touched (`__proto__` keys are copied as own data properties).
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (depth >= 8) return "[truncated]";
  if (Array.isArray(value)) return value.slice(0, 64).map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key of Object.keys(value)) {
    if (n++ >= 64) break;
    Object.defineProperty(out, redact(key), {
      value: redactDeep((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** The start of a text, secrets redacted, at most `max` characters. */
export function snippetOf(text: string, max: number): string {
  // Redact a little past the cut so a secret straddling it is still recognised.
  return redact(text.slice(0, max + 512)).slice(0, max);
}
