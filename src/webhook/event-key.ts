/**
 * The identity of a webhook event across redeliveries: a SHA-256 digest of the item as Meta
 * delivered it, in a canonical JSON form.
 *
 * @module
 */
import type { CallEvent } from "./events.js";

/** The delivered item behind each decoded event (module-private; the event stays a plain value). */
const sources = new WeakMap<object, unknown>();

/** Records what {@link eventKey} hashes for an event built by the decoder. */
export function rememberSource(event: CallEvent, source: unknown): void {
  sources.set(event, source);
}

/** Canonical JSON stops growing past this many characters (only object inputs with shared references get there). */
const CANONICAL_LIMIT = 16 * 1024 * 1024;

/** Items of one array read for the key (a JSON body within the size limit holds fewer). */
const MAX_ARRAY_ITEMS = 1 << 20;

type Step = { readonly text: string } | { readonly value: unknown } | { readonly leave: object };

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
 * marked, BigInts tagged. Iterative (no recursion the input controls) and never throws; output
 * is bounded by {@link CANONICAL_LIMIT}.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  let size = 0;
  const stack: Step[] = [{ value }];
  const path = new Set<object>();
  const emit = (text: string) => {
    out.push(text);
    size += text.length;
  };
  while (stack.length > 0) {
    if (size > CANONICAL_LIMIT) {
      emit(`…[cut at ${CANONICAL_LIMIT}]`);
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
      const n = Math.min(length, MAX_ARRAY_ITEMS);
      stack.push({ text: n < length ? `,"[${length - n} more items]"]` : "]" });
      for (let i = n - 1; i >= 0; i--) {
        stack.push({ value: read(obj, i) });
        if (i > 0) stack.push({ text: "," });
      }
      stack.push({ text: "[" });
    } else {
      const ks = keys ?? [];
      stack.push({ text: "}" });
      for (let i = ks.length - 1; i >= 0; i--) {
        const k = ks[i] as string;
        stack.push({ value: read(obj, k) });
        stack.push({ text: `${i > 0 ? "," : ""}${JSON.stringify(k)}:` });
      }
      stack.push({ text: "{" });
    }
  }
  return out.join("");
}

const encoder = new TextEncoder();

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
 * distinct keys, unknown events included; a redelivery of the same item gets the same key. An
 * event built by hand (not by the decoder) is hashed from its own fields. Never rejects.
 *
 * @example
 * const key = await eventKey(event); // "CallTerminate:9f86d081884c7d65…"
 */
export async function eventKey(event: CallEvent): Promise<string> {
  let tag = "Unknown";
  let text = "";
  try {
    const t: unknown = event._tag;
    if (typeof t === "string") tag = t.slice(0, 64);
    text = canonicalJson(sources.has(event) ? sources.get(event) : event);
  } catch {
    text = '"[unreadable]"';
  }
  try {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
    return `${tag}:${Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("")}`;
  } catch {
    return `${tag}:${fallbackDigest(text)}`;
  }
}
