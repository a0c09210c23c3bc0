/**
 * Secret redaction for everything that ends up in an error or event value.
 *
 * Two layers, in this order:
 * 1. exact secrets the caller knows (the client's access token, the webhook handler's app
 *    secrets), scrubbed in every form they can take in text (plain, percent-encoded,
 *    JSON-escaped, base64), whatever they look like;
 * 2. patterns for secrets nobody told us about: `EAA…` tokens, authorization scheme values,
 *    credential parameters in URLs, JSON and headers, app tokens `appid|secret`, SDP ICE
 *    credentials.
 *
 * Redaction runs on decoded strings, never on JSON text (where escapes hide what a pattern looks
 * for). Every function here is total and linear in its input: text longer than
 * {@link SCAN_LIMIT} is cut before any pattern runs, and the patterns have no nested quantifier.
 */
import { everyPattern, mayTrigger, readEscapes, readForm, REDACTED, triggered } from "./redact-patterns.js";

export { applyEveryPattern, mayTrigger, patternSources, quick, readEscapes, REDACTED, triggered } from "./redact-patterns.js";

/** Exact secrets a component knows, scrubbed from every string it returns, in any form. */
export interface Scrubber {
  /** The texts to replace: each secret and its encodings, longest first. */
  readonly forms: readonly string[];
}

/** A scrubber that knows no secret (patterns still apply). */
export const noSecrets: Scrubber = { forms: [] };

/** The longest string field kept in an error or event value. */
export const FIELD_LIMIT = 8192;

/** Text past this many characters is cut before the patterns run. */
export const SCAN_LIMIT = 65_536;

const MIN_SECRET = 4;

function base64(text: string): string | undefined {
  try {
    const bytes = new TextEncoder().encode(text);
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return typeof btoa === "function" ? btoa(bin) : undefined;
  } catch {
    return undefined;
  }
}

function formsOf(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const add = (f: string | undefined) => {
    if (f !== undefined && f.length >= MIN_SECRET) forms.add(f);
  };
  try {
    const encoded = encodeURIComponent(secret);
    add(encoded);
    add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    add(encoded.replace(/%20/g, "+"));
  } catch {
    // A lone surrogate cannot be percent-encoded; the other forms still apply.
  }
  const json = JSON.stringify(secret).slice(1, -1);
  add(json);
  // As readEscapes shows a secret written with escapes: DEL, C1, separators and bidi escaped.
  add(readForm(secret));
  add(json.replace(/\//g, "\\/"));
  add(base64(secret));
  const b64 = base64(secret);
  if (b64 !== undefined) add(b64.replace(/=+$/, ""));
  // A secret with line breaks or control characters may be cut at them (e.g. by a header parser
  // that reports the rest): its pieces are secrets too.
  for (const piece of secret.split(/[\u0000-\u001f\u007f\s]+/)) if (piece.length >= 8) add(piece);
  return [...forms];
}

/**
 * A {@link Scrubber} for the given secrets. Anything that is not a string of at least 4
 * characters is ignored (a shorter "secret" would redact ordinary words).
 *
 * @example
 * redact("token was abc123xyz", makeScrubber(["abc123xyz"])); // "token was [redacted]"
 */
export function makeScrubber(secrets: readonly unknown[] | undefined): Scrubber {
  if (secrets === undefined || secrets.length === 0) return noSecrets;
  try {
    const usable: string[] = [];
    for (const s of secrets) if (typeof s === "string" && s.length >= MIN_SECRET) usable.push(s);
    if (usable.length === 0) return noSecrets;
    // The same few secrets (an access token, app secrets) come back on every call: their forms
    // are computed once. The key cannot collide: each secret is prefixed by its length.
    const key = usable.length === 1 ? `${usable[0]?.length}:${usable[0]}` : usable.map((s) => `${s.length}:${s}`).join("");
    const cached = scrubbers.get(key);
    if (cached !== undefined) return cached;
    const forms = new Set<string>();
    for (const s of usable) for (const f of formsOf(s)) forms.add(f);
    const made: Scrubber = Object.freeze({ forms: Object.freeze([...forms].sort((a, b) => b.length - a.length)) });
    if (key.length <= MAX_CACHED_KEY_CHARS) {
      if (scrubbers.size >= MAX_CACHED_SCRUBBERS) scrubbers.clear();
      scrubbers.set(key, made);
    }
    return made;
  } catch {
    return noSecrets;
  }
}

/** Scrubbers by their secrets; beyond the bound the cache starts over (a rotation adds one or two). */
const scrubbers = new Map<string, Scrubber>();
const MAX_CACHED_SCRUBBERS = 32;
/** Secrets longer than this together are not cached (they are not what the components hold). */
const MAX_CACHED_KEY_CHARS = 4096;

/** Joins two scrubbers. */
export function joinScrubbers(a: Scrubber | undefined, b: Scrubber | undefined): Scrubber {
  if (a === undefined || a.forms.length === 0) return b ?? noSecrets;
  if (b === undefined || b.forms.length === 0) return a;
  return { forms: [...new Set([...a.forms, ...b.forms])].sort((x, y) => y.length - x.length) };
}

/**
 * Whether the text holds one of the exact secrets of `scrub`, also written with JSON `\uXXXX`
 * escapes: what {@link scrubExact} would change, without building the changed text.
 */
export function hasExactSecret(text: string, scrub: Scrubber | undefined): boolean {
  if (scrub === undefined || scrub.forms.length === 0) return false;
  if (scrub.forms.some((form) => text.includes(form))) return true;
  if (!text.includes("\\u")) return false;
  const read = readEscapes(text);
  return scrub.forms.some((form) => read.includes(form));
}

function replaceForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}

/**
 * The exact secrets of `scrub` replaced. A secret written with JSON `\uXXXX` escapes is found in
 * the text with its escapes read, which is then what comes back (as written otherwise).
 */
function scrubExact(text: string, scrub: Scrubber | undefined): string {
  if (scrub === undefined || scrub.forms.length === 0) return text;
  const out = replaceForms(text, scrub.forms);
  if (!out.includes("\\u")) return out;
  const read = readEscapes(out);
  const again = replaceForms(read, scrub.forms);
  return again === read ? out : again;
}

const untouched = (text: string) => ({ out: text, read: false });

function applyPatterns(text: string): { readonly out: string; readonly read: boolean } {
  if (!mayTrigger(text) || !triggered(text)) return untouched(text);
  return everyPattern(text);
}

/**
 * How far before a cut a secret the patterns did not see whole may show: a match straddling the
 * cut is not recognised, and what of it lies before the cut is shorter than this.
 */
const CUT_MARGIN = 512;


/**
 * Redacts secrets from a string: first the exact secrets of `scrub` (in the whole text), then
 * the patterns. Text longer than {@link SCAN_LIMIT} is cut (with a marker) before the patterns
 * run, so a hostile string costs linear time and no stack. Never throws; if it ever failed, the
 * whole text would be replaced.
 *
 * @example
 * redact("Authorization: Bearer abc.def-123456"); // "Authorization: Bearer [redacted]"
 */
export function redact(text: string, scrub?: Scrubber): string {
  try {
    const exact = scrubExact(text, scrub);
    if (exact.length <= SCAN_LIMIT) return applyPatterns(exact).out;
    const marker = `…[truncated ${exact.length - SCAN_LIMIT} chars]`;
    const redacted = applyPatterns(`${exact.slice(0, SCAN_LIMIT)}${marker}`);
    if (!redacted.read) return redacted.out;
    // Escapes read shorten the text and bring the cut into view: a secret it cut short of what a
    // pattern recognises would show, so the margin before the cut goes too.
    const head = applyPatterns(exact.slice(0, SCAN_LIMIT)).out;
    return `${head.slice(0, Math.max(0, head.length - CUT_MARGIN))}${marker}`;
  } catch {
    return REDACTED;
  }
}

/** Cuts text to `max` characters with a marker saying how much was dropped. */
export function bound(text: string, max: number = FIELD_LIMIT): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[truncated ${text.length - max} chars]`;
}

/**
 * {@link redact}, then cut to {@link FIELD_LIMIT} characters (with a marker): what every string
 * field of an error or event holds.
 *
 * @example
 * redactField("x".repeat(10_000)).length < 8300; // true
 */
export function redactField(text: string, scrub?: Scrubber): string {
  return bound(redact(text, scrub), FIELD_LIMIT);
}

/** The start of a text, secrets redacted, at most `max` characters. */
export function snippetOf(text: string, max: number, scrub?: Scrubber): string {
  try {
    // Scrub exact secrets in the whole text, so none straddles the cut; then redact a little past
    // the cut so a pattern straddling it is still recognised.
    const exact = scrubExact(text, scrub);
    const head = applyPatterns(exact.slice(0, max + CUT_MARGIN));
    if (!head.read) return head.out.slice(0, max);
    // Escapes hid a secret, so the snippet shows the text with its escapes read, which may be far
    // shorter: the margin past the cut is taken in that text. Past what redact scans, nothing is read.
    const scanned = exact.slice(0, SCAN_LIMIT);
    const read = readEscapes(scanned);
    const out = applyPatterns(read.slice(0, max + CUT_MARGIN)).out;
    const cutInView = read.length <= max + CUT_MARGIN && scanned.length < exact.length;
    return (cutInView ? out.slice(0, Math.max(0, out.length - CUT_MARGIN)) : out).slice(0, max);
  } catch {
    return "";
  }
}

const secretKeyNames = new Set([
  "access_token", "accesstoken", "token", "id_token", "refresh_token", "client_secret", "clientsecret",
  "app_secret", "appsecret", "appsecret_proof", "secret", "password", "passwd", "authorization",
  "api_key", "apikey", "x-api-key", "ice-pwd", "ice_pwd", "icepwd", "ice-ufrag", "ice_ufrag", "iceufrag",
  "credential", "credentials", "private_key", "bearer",
]);

/**
 * Whether a key names a credential (`access_token`, `token`, `client_secret`, `app_secret`,
 * `password`, `authorization`, ICE credentials, …): its value is redacted whatever it is.
 *
 * @example
 * isSecretKey("Access_Token"); // true
 */
export function isSecretKey(key: string): boolean {
  if (key.length > 64) return false;
  const k = key.toLowerCase();
  return secretKeyNames.has(k) || k.endsWith("_token") || k.endsWith("_secret") || k.endsWith("password");
}

/** Bounds of a redacted copy: nesting, items per list or object, objects, string characters. */
export const MAX_DEPTH = 8;
export const MAX_ITEMS = 64;
export const MAX_NODES = 2_000;
export const MAX_CHARS = 64 * 1024;

/** What a redacted copy may still use. */
export interface Budget {
  nodes: number;
  chars: number;
  readonly scrub: Scrubber | undefined;
  readonly seen: Set<object>;
  /** Strings already redacted by the caller (`known[i]` gives `done[i]`), so they are not redacted twice. */
  readonly known?: readonly string[];
  readonly done?: readonly string[];
}

/** A string of a redacted copy: redacted and bounded, counted against the budget. */
export function copyString(s: string, b: Budget): string {
  if (b.chars <= 0) return "[truncated]";
  const i = b.known === undefined ? -1 : b.known.indexOf(s);
  const out = i >= 0 ? (b.done?.[i] as string) : redactField(s, b.scrub);
  b.chars -= out.length;
  return out;
}

function copyValue(value: unknown, depth: number, b: Budget): unknown {
  switch (typeof value) {
    case "string":
      return copyString(value, b);
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (b.seen.has(obj)) return "[circular]";
  if (depth >= MAX_DEPTH || --b.nodes <= 0) return "[truncated]";
  b.seen.add(obj);
  try {
    return copyObject(obj, depth, b);
  } catch {
    // A Proxy trap or an exotic object that throws while being inspected.
    return "[unreadable]";
  } finally {
    b.seen.delete(obj);
  }
}

function copyObject(obj: object, depth: number, b: Budget): unknown {
  if (obj instanceof Date) {
    const t = obj.getTime();
    return Number.isNaN(t) ? null : obj.toISOString();
  }
  if (obj instanceof ArrayBuffer || ArrayBuffer.isView(obj)) return `[binary ${obj.byteLength} bytes]`;
  if (Array.isArray(obj)) {
    const n = Math.min(obj.length, MAX_ITEMS);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const v = copyValue(readSafely(obj, i), depth + 1, b);
      out.push(v === undefined ? null : v);
    }
    if (obj.length > MAX_ITEMS) out.push(`[${obj.length - MAX_ITEMS} more items]`);
    return out;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key of Object.keys(obj)) {
    if (n++ >= MAX_ITEMS) {
      Object.defineProperty(out, "[more]", { value: "[truncated]", enumerable: true, writable: true, configurable: true });
      break;
    }
    const safeKey = bound(redact(key, b.scrub), 128);
    const v = isSecretKey(key) ? REDACTED : copyValue(readSafely(obj, key), depth + 1, b);
    if (v === undefined) continue;
    setOwn(out, safeKey, v);
  }
  return out;
}

/**
 * Sets an own data property. Plain assignment does that for every key but `__proto__` (the only
 * accessor `Object.prototype` has), which is defined instead: never a prototype change.
 */
export function setOwn(out: Record<string, unknown>, key: string, v: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  else out[key] = v;
}


function readSafely(obj: object, key: string | number): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key];
  } catch {
    return "[unreadable]";
  }
}

/**
 * A JSON-safe, redacted, bounded copy of any value: strings redacted and cut to
 * {@link FIELD_LIMIT}, credential-named keys redacted whatever their value, BigInts as strings,
 * functions and symbols dropped, cycles marked, depth, breadth and total size bounded, and a
 * getter or Proxy trap that throws read as `"[unreadable]"`. Never throws.
 *
 * @example
 * redactDeep({ access_token: "abc", n: 1n }); // { access_token: "[redacted]", n: "1" }
 */
export function redactDeep(value: unknown, scrub?: Scrubber): unknown {
  try {
    return copyValue(value, 0, { nodes: MAX_NODES, chars: MAX_CHARS, scrub, seen: new Set() });
  } catch {
    return "[unreadable]";
  }
}

