/**
 * The last line of defence of the client: everything it returns goes through here, so the exact
 * access token it holds can not come back to the caller, whatever form it takes and whichever
 * field the server echoed it in.
 *
 * @module
 */
import { noSecrets, redact, redactDeep, redactField, type Scrubber } from "../internal/redact.js";

/** Fields the caller gave (correlation data): returned as given, never rewritten. */
const callerFields = new Set(["to", "recipient", "bizOpaqueCallbackData", "operation", "_tag", "category", "field"]);

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of an error value with every string field redacted and bounded, `raw` a redacted
 * JSON-safe copy, a nested decoded `error` treated the same way, and the attempt history's
 * outcomes redacted. Dates, numbers and booleans are kept. Never throws.
 */
export function scrubError<E>(e: E, scrub: Scrubber, depth = 0): E {
  try {
    if (!isPlain(e)) return e;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(e)) {
      const v = e[key];
      if (callerFields.has(key)) out[key] = v;
      else if (key === "raw") out[key] = redactDeep(v, scrub);
      else if (typeof v === "string") out[key] = redactField(v, scrub);
      else if (key === "error" && depth === 0) out[key] = scrubError(v, scrub, 1);
      else if (key === "history" && Array.isArray(v)) out[key] = v.map((h: unknown) => scrubError(h, scrub, 1));
      else out[key] = v;
    }
    return out as E;
  } catch {
    return e;
  }
}

/** Whether the exact secrets of `scrub` (in any form) occur in the text. */
function holdsSecret(text: string, scrub: Scrubber): boolean {
  return redact(text, scrub) !== redact(text, noSecrets);
}

/**
 * A success value with the exact secrets removed from its strings, and nothing else changed
 * (pattern redaction would corrupt ids and settings that only look like secrets). Plain objects
 * and arrays are copied only when they hold a secret; Dates and other objects are kept.
 */
export function scrubSuccess<T>(value: T, scrub: Scrubber): T {
  try {
    return walk(value, scrub, 0) as T;
  } catch {
    return value;
  }
}

function walk(v: unknown, scrub: Scrubber, depth: number): unknown {
  if (typeof v === "string") return holdsSecret(v, scrub) ? redact(v, scrub) : v;
  if (depth > 16 || typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const copy = v.map((x: unknown) => walk(x, scrub, depth + 1));
    return copy.every((x, i) => x === v[i]) ? v : copy;
  }
  if (!isPlain(v)) return v;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const next = walk(v[key], scrub, depth + 1);
    if (next !== v[key]) changed = true;
    Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return changed ? out : v;
}
