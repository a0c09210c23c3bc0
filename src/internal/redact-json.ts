/**
 * Redacted copies of values `JSON.parse` just made: the same output as `redactDeep`, without the
 * guards such a value cannot need (getters, Proxies, cycles), and no copy at all when the copy
 * would equal the value. Redaction still runs on each decoded string and key.
 *
 * @module
 */
import {
  bound,
  copyString,
  FIELD_LIMIT,
  hasExactSecret,
  isSecretKey,
  MAX_CHARS,
  MAX_DEPTH,
  MAX_ITEMS,
  MAX_NODES,
  mayTrigger,
  redact,
  REDACTED,
  setOwn,
  triggered,
  type Budget,
  type Scrubber,
} from "./redact.js";

/**
 * `copyValue` of redact.ts for a value `JSON.parse` just made (only plain objects, arrays, strings,
 * finite numbers, booleans and null; no getters, Proxies, cycles or shared references): the same
 * output, key redaction and bounds, without the guards such a value cannot need.
 */
function copyJson(value: unknown, depth: number, b: Budget): unknown {
  if (typeof value === "string") return copyString(value, b);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH || --b.nodes <= 0) return "[truncated]";
  if (Array.isArray(value)) {
    const items = value as unknown[];
    const n = Math.min(items.length, MAX_ITEMS);
    const out: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = copyJson(items[i], depth + 1, b);
    if (items.length > MAX_ITEMS) out.push(`[${items.length - MAX_ITEMS} more items]`);
    return out;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key of Object.keys(value)) {
    if (n++ >= MAX_ITEMS) {
      Object.defineProperty(out, "[more]", { value: "[truncated]", enumerable: true, writable: true, configurable: true });
      break;
    }
    const facts = keyFacts(key);
    const safeKey = (facts & KEY_REWRITTEN) === 0 && !hasExactSecret(key, b.scrub) ? key : bound(redact(key, b.scrub), 128);
    setOwn(out, safeKey, (facts & KEY_SECRET) !== 0 ? REDACTED : copyJson((value as Record<string, unknown>)[key], depth + 1, b));
  }
  return out;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The `seen` of a JSON copy's budget: never read (parsed JSON has no cycles), never written. */
const unused: Set<object> = new Set();

/** A key {@link isSecretKey} names. */
const KEY_SECRET = 1;
/** A key the patterns may rewrite, or longer than a kept key (128). */
const KEY_REWRITTEN = 2;
/** What the patterns say of a key, which does not depend on the scrubber: JSON keys repeat. */
const keyFactCache = new Map<string, number>();
const MAX_KEY_FACTS = 4096;

function keyFacts(key: string): number {
  const cached = key.length <= 64 ? keyFactCache.get(key) : undefined;
  if (cached !== undefined) return cached;
  const facts = (isSecretKey(key) ? KEY_SECRET : 0) | (key.length > 128 || (mayTrigger(key) && triggered(key)) ? KEY_REWRITTEN : 0);
  if (key.length <= 64) {
    if (keyFactCache.size >= MAX_KEY_FACTS) keyFactCache.clear();
    keyFactCache.set(key, facts);
  }
  return facts;
}

/**
 * Whether a key is one a redacted copy keeps as it is whatever the scrubber (no credential name,
 * no pattern, at most 128 characters): for keys a decoder knows in advance.
 */
export function plainKey(key: string): boolean {
  return keyFacts(key) === 0;
}

/** The exact test of one decoded string: no exact secret form, and no pattern that would rewrite it (or, memoised, already redacted to itself). */
function exactString(value: string, b: Budget): boolean {
  const i = b.known === undefined ? -1 : b.known.indexOf(value);
  return i >= 0 ? b.done?.[i] === value : !hasExactSecret(value, b.scrub) && !(mayTrigger(value) && triggered(value));
}

/** The screened test: `true` means unchanged for sure, `false` means unsure. */
function screenedString(value: string, b: Budget): boolean {
  return !mayTrigger(value) && !hasExactSecret(value, b.scrub);
}

/**
 * Whether {@link copyJson} would give back a value deeply equal to `value`: the same walk with the
 * same budget, each decoded key checked and each string checked exactly or screened (nothing cut, no
 * credential key), nothing allocated.
 */
function unchangedWalk(value: unknown, depth: number, b: Budget, exact: boolean): boolean {
  if (typeof value === "string") {
    if (b.chars <= 0 || value.length > FIELD_LIMIT || !(exact ? exactString(value, b) : screenedString(value, b))) return false;
    b.chars -= value.length;
    return true;
  }
  if (typeof value !== "object" || value === null) return true;
  if (depth >= MAX_DEPTH || --b.nodes <= 0) return false;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    if (items.length > MAX_ITEMS) return false;
    for (let i = 0; i < items.length; i++) if (!unchangedWalk(items[i], depth + 1, b, exact)) return false;
    return true;
  }
  // `for…in` with an own-property test visits exactly the own keys of a parsed object, in the
  // order of Object.keys, without building their array.
  let n = 0;
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    if (++n > MAX_ITEMS || keyFacts(key) !== 0 || hasExactSecret(key, b.scrub)) return false;
    if (!unchangedWalk((value as Record<string, unknown>)[key], depth + 1, b, exact)) return false;
  }
  return true;
}

/**
 * Whether {@link redactJson} gives `value` back as it is: then every string in it is also
 * unchanged by `redactField` with the same scrubber. For a value `JSON.parse` just
 * returned. Never throws.
 */
export function jsonUnchanged(value: unknown, scrub?: Scrubber): boolean {
  try {
    if (unchangedWalk(value, 0, { nodes: MAX_NODES, chars: MAX_CHARS, scrub, seen: unused }, false)) return true;
    return unchangedWalk(value, 0, { nodes: MAX_NODES, chars: MAX_CHARS, scrub, seen: unused }, true);
  } catch {
    return false;
  }
}

/** {@link jsonUnchanged} without its screened first walk: every string checked exactly. Never throws. */
export function jsonUnchangedExact(value: unknown, scrub?: Scrubber): boolean {
  try {
    return unchangedWalk(value, 0, { nodes: MAX_NODES, chars: MAX_CHARS, scrub, seen: unused }, true);
  } catch {
    return false;
  }
}

/**
 * One pass over the own members of an object `JSON.parse` just made: `visit(into, key, value)`
 * for each, in the order of `Object.keys`, and at the same time the screened walk of
 * {@link jsonUnchanged}: `true` means {@link redactJson} certainly gives the object back as it
 * is, `false` means unsure (then ask {@link jsonUnchangedExact}). Saves a decoder reading the
 * members it knows a second pass over the object. `visit` returns `true` for a key it knows
 * neither names a credential nor holds a pattern (checked once with {@link plainKey}), whose
 * facts are then not looked up. `into` is complete only when the answer is `true`: past
 * MAX_ITEMS keys the visit stops. Never throws (`false` if `visit` throws).
 */
export function visitJsonMembers<T>(obj: object, into: T, visit: (into: T, key: string, value: unknown) => boolean, scrub?: Scrubber): boolean {
  try {
    const b: Budget = { nodes: MAX_NODES - 1, chars: MAX_CHARS, scrub, seen: unused };
    let clean = true;
    let n = 0;
    for (const key in obj) {
      if (!hasOwn.call(obj, key)) continue;
      // Past MAX_ITEMS keys the copy is cut, so the object is not kept as it is; a caller then
      // reads what it needs otherwise (an object of 100k keys is not visited whole).
      if (++n > MAX_ITEMS) return false;
      const value = (obj as Record<string, unknown>)[key];
      const plain = visit(into, key, value);
      if (clean) clean = (plain || keyFacts(key) === 0) && !hasExactSecret(key, scrub) && unchangedWalk(value, 1, b, false);
    }
    return clean;
  } catch {
    return false;
  }
}

/**
 * `redactDeep` of a value `JSON.parse` just returned and nothing else holds (the caller
 * guarantees both): the same output, faster. When the copy would equal the value (every decoded
 * key and string checked), the value itself is returned instead of a copy. `known` strings of
 * the value the caller already redacted (into `done`, at the same index, with the same
 * scrubber) are taken as they are. Never throws.
 */
export function redactJson(value: unknown, scrub?: Scrubber, known?: readonly string[], done?: readonly string[]): unknown {
  try {
    const memo = known !== undefined && done !== undefined && known.length === done.length ? { known, done } : {};
    if (unchangedWalk(value, 0, { nodes: MAX_NODES, chars: MAX_CHARS, scrub, seen: unused, ...memo }, true)) return value;
    return copyJson(value, 0, { nodes: MAX_NODES, chars: MAX_CHARS, scrub, seen: unused, ...memo });
  } catch {
    return "[unreadable]";
  }
}
