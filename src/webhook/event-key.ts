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

/**
 * {@link canonicalJson} of a value made by `JSON.parse` (plain objects and arrays, strings,
 * finite numbers, booleans, null: no getters, Proxies, cycles or exotic objects), written
 * recursively into one array: the same text. `undefined` past {@link FAST_DEPTH} levels,
 * {@link MAX_NODES} values or {@link CANONICAL_LIMIT} characters, or on anything else, so that
 * {@link canonicalJson} gives the text with its markers.
 */
function canonicalParsed(value: unknown): string | undefined {
  const out: string[] = [];
  const budget = { nodes: 0, size: 0 };
  if (!writeParsed(value, 0, out, budget)) return undefined;
  const text = out.join("");
  // canonicalJson checks its running size against the limit; a whole text within it never got there.
  return text.length <= CANONICAL_LIMIT ? text : undefined;
}

function writeParsed(v: unknown, depth: number, out: string[], b: { nodes: number; size: number }): boolean {
  if (++b.nodes > MAX_NODES || b.size > CANONICAL_LIMIT) return false;
  let text: string;
  switch (typeof v) {
    case "string":
      text = JSON.stringify(v);
      break;
    case "number":
      if (!Number.isFinite(v)) return false;
      text = String(v);
      break;
    case "boolean":
      text = v ? "true" : "false";
      break;
    case "object": {
      if (v === null) {
        text = "null";
        break;
      }
      if (depth >= FAST_DEPTH) return false;
      if (Array.isArray(v)) {
        const items = v as unknown[];
        out.push("[");
        for (let i = 0; i < items.length; i++) {
          if (i > 0) out.push(",");
          if (!writeParsed(items[i], depth + 1, out, b)) return false;
        }
        out.push("]");
        b.size += items.length + 2;
        return true;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      const keys = Object.keys(v).sort();
      out.push("{");
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        const key = `${i > 0 ? "," : ""}${JSON.stringify(k)}:`;
        out.push(key);
        b.size += key.length;
        if (!writeParsed((v as Record<string, unknown>)[k], depth + 1, out, b)) return false;
      }
      out.push("}");
      b.size += 2;
      return true;
    }
    default:
      return false;
  }
  out.push(text);
  b.size += text.length;
  return true;
}

/**
 * {@link eventKey} of an event the webhook handler decoded from the JSON it parsed itself: the
 * same key, through the recursive canonical form of plain JSON and `node:crypto`'s SHA-256;
 * `undefined` where either does not apply (the caller then uses {@link eventKey}). Never throws.
 */
export function eventKeyOfParsed(event: CallEvent): string | undefined {
  const c = nodeCrypto();
  if (c === undefined) return undefined;
  try {
    const t: unknown = event._tag;
    const tag = typeof t === "string" ? t.slice(0, 64) : "Unknown";
    const text = canonicalParsed(sources.has(event) ? sources.get(event) : event);
    return text === undefined ? undefined : `${tag}:${c.createHash("sha256").update(text, "utf8").digest("hex")}`;
  } catch {
    return undefined;
  }
}

function keyInput(event: CallEvent): { tag: string; text: string } {
  let tag = "Unknown";
  let text = "";
  try {
    const t: unknown = event._tag;
    if (typeof t === "string") tag = t.slice(0, 64);
    text = canonicalJson(sources.has(event) ? sources.get(event) : event);
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
  const c = nodeCrypto();
  if (c === undefined) return undefined;
  const { tag, text } = keyInput(event);
  try {
    return `${tag}:${c.createHash("sha256").update(text, "utf8").digest("hex")}`;
  } catch {
    return undefined;
  }
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
  const { tag, text } = keyInput(event);
  try {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
    return `${tag}:${Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("")}`;
  } catch {
    return `${tag}:${fallbackDigest(text)}`;
  }
}
