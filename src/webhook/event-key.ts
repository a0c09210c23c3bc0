/**
 * The identity of a webhook event across redeliveries: a SHA-256 digest of the item as Meta
 * delivered it, in a canonical JSON form.
 *
 * @module
 */
import type { CallEvent } from "./events.js";
import { nodeCrypto } from "./signature.js";

/** The delivered item behind each decoded event (module-private; the event stays a plain value). */
const sources = new WeakMap<object, unknown>();

/** Records what {@link eventKey} hashes for an event built by the decoder. */
export function rememberSource(event: CallEvent, source: unknown): void {
  sources.set(event, source);
}

/** Canonical JSON stops growing past this many characters (only object inputs, e.g. with shared references, get there). */
const CANONICAL_LIMIT = 16 * 1024 * 1024;

/**
 * Values read for one key. A calls event holds a few dozen; the bound keeps a hostile object
 * (a Proxy that makes a new object on every read) to about a second.
 */
const MAX_NODES = 100_000;

/** Nesting read for one key; deeper values are marked (JSON.parse itself refuses far less deep text). */
const MAX_DEPTH = 4_096;

type Step = { readonly text: string } | { readonly value: unknown; readonly depth: number } | { readonly leave: object };

function read(obj: object, key: string | number): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key];
  } catch {
    return "[unreadable]";
  }
}

function keysOf(obj: object): string[] | undefined {
  try {
    return Object.keys(obj).sort();
  } catch {
    return undefined;
  }
}

function isArray(v: object): boolean | undefined {
  try {
    return Array.isArray(v);
  } catch {
    return undefined;
  }
}

/**
 * Canonical JSON of any value: object keys sorted, no whitespace, cycles and unreadable parts
 * marked, BigInts tagged. Iterative (no recursion the input controls) and never throws; reads at
 * most {@link MAX_NODES} values, {@link MAX_DEPTH} levels and {@link CANONICAL_LIMIT} characters
 * (past them the text is cut with a marker).
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  let pieces: string[] = [];
  let size = 0;
  let nodes = 0;
  const stack: Step[] = [{ value, depth: 0 }];
  const path = new Set<object>();
  const emit = (text: string) => {
    pieces.push(text);
    size += text.length;
    // Join small pieces as they come, so the output costs about its length in memory.
    if (pieces.length >= 4096) {
      parts.push(pieces.join(""));
      pieces = [];
    }
  };
  while (stack.length > 0) {
    if (size > CANONICAL_LIMIT || nodes > MAX_NODES) {
      emit(`…[cut at ${size} characters, ${nodes} values]`);
      break;
    }
    const step = stack.pop() as Step;
    if ("text" in step) {
      emit(step.text);
      continue;
    }
    if ("leave" in step) {
      path.delete(step.leave);
      continue;
    }
    const v = step.value;
    const depth = step.depth;
    nodes++;
    switch (typeof v) {
      case "string":
        emit(JSON.stringify(v));
        continue;
      case "number":
        emit(Number.isFinite(v) ? String(v) : JSON.stringify(`[number ${String(v)}]`));
        continue;
      case "boolean":
        emit(v ? "true" : "false");
        continue;
      case "bigint":
        emit(JSON.stringify(`[bigint ${v.toString()}]`));
        continue;
      case "undefined":
      case "function":
      case "symbol":
        emit("null");
        continue;
    }
    if (v === null) {
      emit("null");
      continue;
    }
    const obj = v as object;
    if (path.has(obj)) {
      emit('"[circular]"');
      continue;
    }
    if (depth >= MAX_DEPTH) {
      emit('"[too deep]"');
      continue;
    }
    if (obj instanceof Date) {
      const t = obj.getTime();
      emit(Number.isNaN(t) ? "null" : JSON.stringify(obj.toISOString()));
      continue;
    }
    const array = isArray(obj);
    const keys = array === true ? undefined : keysOf(obj);
    if (array === undefined || (array === false && keys === undefined)) {
      emit('"[unreadable]"');
      continue;
    }
    path.add(obj);
    stack.push({ leave: obj });
    if (array === true) {
      const raw = read(obj, "length");
      const length = typeof raw === "number" && Number.isSafeInteger(raw) && raw > 0 ? raw : 0;
      const n = Math.min(length, MAX_NODES);
      stack.push({ text: n < length ? `,"[${length - n} more items]"]` : "]" });
      for (let i = n - 1; i >= 0; i--) {
        stack.push({ value: read(obj, i), depth: depth + 1 });
        if (i > 0) stack.push({ text: "," });
      }
      stack.push({ text: "[" });
    } else {
      const ks = keys ?? [];
      stack.push({ text: "}" });
      for (let i = ks.length - 1; i >= 0; i--) {
        const k = ks[i] as string;
        stack.push({ value: read(obj, k), depth: depth + 1 });
        stack.push({ text: `${i > 0 ? "," : ""}${JSON.stringify(k)}:` });
      }
      stack.push({ text: "{" });
    }
  }
  parts.push(pieces.join(""));
  return parts.join("");
}

const encoder = new TextEncoder();

/** Nesting the fast canonical form follows before it hands over to {@link canonicalJson}. */
const FAST_DEPTH = 128;

/** Object keys quoted, with their colon: the keys of a delivery repeat from one item to the next. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;

/** A key as it opens its member: `"key":`. */
function quoted(key: string): string {
  const cached = quotedKeys.get(key);
  if (cached !== undefined) return cached;
  const q = `${JSON.stringify(key)}:`;
  if (key.length <= 64) {
    if (quotedKeys.size >= MAX_QUOTED_KEYS) quotedKeys.clear();
    quotedKeys.set(key, q);
  }
  return q;
}

/**
 * {@link canonicalJson} of a value made by `JSON.parse` (plain objects and arrays, strings,
 * finite numbers, booleans, null: no getters, Proxies, cycles or exotic objects), written
 * recursively as one string: the same text. `undefined` past {@link FAST_DEPTH} levels,
 * {@link MAX_NODES} values or {@link CANONICAL_LIMIT} characters, or on anything else, so that
 * {@link canonicalJson} gives the text with its markers.
 */
function canonicalParsed(value: unknown): string | undefined {
  const budget = { nodes: 0 };
  const text = writeParsed(value, 0, budget);
  // canonicalJson checks its running size against the limit; a whole text within it never got there.
  return text !== undefined && text.length <= CANONICAL_LIMIT ? text : undefined;
}

/** A character `JSON.stringify` escapes in a string (a quote, a backslash, a control character) or may (a surrogate). */
const escaped = /["\\\u0000-\u001f\ud800-\udfff]/;

function writeParsed(v: unknown, depth: number, b: { nodes: number }): string | undefined {
  if (++b.nodes > MAX_NODES) return undefined;
  switch (typeof v) {
    case "string":
      // What JSON.stringify gives, without its call for the many strings it would leave as they are.
      return escaped.test(v) ? JSON.stringify(v) : `"${v}"`;
    case "number":
      return Number.isFinite(v) ? String(v) : undefined;
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (v === null) return "null";
      if (depth >= FAST_DEPTH) return undefined;
      if (Array.isArray(v)) {
        const items = v as unknown[];
        let out = "[";
        for (let i = 0; i < items.length; i++) {
          const item = writeParsed(items[i], depth + 1, b);
          if (item === undefined || out.length > CANONICAL_LIMIT) return undefined;
          out += i > 0 ? `,${item}` : item;
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) return undefined;
      const keys = Object.keys(v);
      if (keys.length > 1) keys.sort();
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        const item = writeParsed((v as Record<string, unknown>)[k], depth + 1, b);
        if (item === undefined || out.length > CANONICAL_LIMIT) return undefined;
        out += i > 0 ? `,${quoted(k)}${item}` : quoted(k) + item;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

/** `<tag>:<SHA-256 hex of text>` with `node:crypto` (one-shot `hash` where the runtime has it); `undefined` without it. Never throws. */
function keyNow(tag: string, text: string): string | undefined {
  const c = nodeCrypto();
  if (c === undefined) return undefined;
  try {
    const hex = typeof c.hash === "function" ? c.hash("sha256", text, "hex") : c.createHash("sha256").update(text, "utf8").digest("hex");
    return `${tag}:${hex}`;
  } catch {
    return undefined;
  }
}

function tagOf(event: CallEvent): string {
  const t: unknown = event._tag;
  return typeof t === "string" ? t.slice(0, 64) : "Unknown";
}

/**
 * The identity of an event fixed when it was decoded, before any other code could reach the item
 * it came from: its key, or (where the runtime has no synchronous SHA-256) its canonical text.
 */
class Fixed {
  constructor(
    readonly key: string | undefined,
    readonly tag: string,
    readonly text: string | undefined,
  ) {}
}

/**
 * Records the key of an event decoded from JSON the caller parsed itself (plain JSON that nothing
 * else holds), computed now: the event may then share parts of that JSON (its `raw`) with the
 * application, which can change them without changing the key. Never throws.
 */
export function fixKey(event: CallEvent, source: unknown): void {
  try {
    const tag = tagOf(event);
    const text = canonicalParsed(source) ?? canonicalJson(source);
    const key = keyNow(tag, text);
    sources.set(event, new Fixed(key, tag, key === undefined ? text : undefined));
  } catch {
    sources.set(event, source);
  }
}

/**
 * {@link eventKey} of an event the webhook handler decoded from the JSON it parsed itself: the
 * same key, through the recursive canonical form of plain JSON and `node:crypto`'s SHA-256;
 * `undefined` where either does not apply (the caller then uses {@link eventKey}). Never throws.
 */
export function eventKeyOfParsed(event: CallEvent): string | undefined {
  try {
    const source = sources.has(event) ? sources.get(event) : event;
    if (source instanceof Fixed) return source.key ?? (source.text === undefined ? undefined : keyNow(source.tag, source.text));
    if (nodeCrypto() === undefined) return undefined;
    const text = canonicalParsed(source);
    return text === undefined ? undefined : keyNow(tagOf(event), text);
  } catch {
    return undefined;
  }
}

function keyInput(event: CallEvent): { tag: string; text: string; key?: string } {
  let tag = "Unknown";
  let text = "";
  try {
    tag = tagOf(event);
    const source = sources.has(event) ? sources.get(event) : event;
    if (source instanceof Fixed) return source.key !== undefined ? { tag: source.tag, text: "", key: source.key } : { tag: source.tag, text: source.text ?? "" };
    text = canonicalJson(source);
  } catch {
    text = '"[unreadable]"';
  }
  return { tag, text };
}

/**
 * {@link eventKey} computed synchronously with `node:crypto` (the same SHA-256 over the same
 * UTF-8 text, so the same key); `undefined` where the runtime has no `node:crypto`. Never throws.
 */
export function eventKeyNow(event: CallEvent): string | undefined {
  if (nodeCrypto() === undefined) return undefined;
  const { tag, text, key } = keyInput(event);
  return key ?? keyNow(tag, text);
}

/** FNV-1a over the text, two 32-bit lanes: only used where Web Crypto is missing. */
function fallbackDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c ^ (i & 0xff), 0x01000193) >>> 0;
  }
  return `fnv${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}${text.length.toString(16)}`;
}

/**
 * The identity of an event across redeliveries: `<_tag>:<SHA-256 hex>` of the item as delivered
 * (with its change field and business phone number id), in canonical JSON. Distinct items get
 * distinct keys, unknown events included (up to 100,000 values, 4,096 levels and 16 M characters
 * per item, far beyond any calls event); a redelivery of the same item gets the same key. An
 * event built by hand (not by the decoder) is hashed from its own fields. Never rejects.
 *
 * @example
 * const key = await eventKey(event); // "CallTerminate:9f86d081884c7d65…"
 */
export async function eventKey(event: CallEvent): Promise<string> {
  const now = eventKeyNow(event);
  if (now !== undefined) return now;
  const { tag, text, key } = keyInput(event);
  if (key !== undefined) return key;
  try {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
    return `${tag}:${Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("")}`;
  } catch {
    return `${tag}:${fallbackDigest(text)}`;
  }
}
