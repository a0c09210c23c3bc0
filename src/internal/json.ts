/** Small total helpers for reading unknown JSON-like input. */

/** A plain JSON object (not an array, not null). */
export type Dict = Readonly<Record<string, unknown>>;

export function isDict(v: unknown): v is Dict {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An own property only: never `__proto__` or an inherited member. */
export function own(o: Dict, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** `JSON.parse` as a value. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The text of a body given as a string or bytes; `undefined` for anything else. */
export function bytesToText(body: unknown): string | undefined {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return new TextDecoder("utf-8", { fatal: false }).decode(body);
  return undefined;
}
