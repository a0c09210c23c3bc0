/**
 * Reading one delivered item: own properties only, values narrowed at the edge, identifiers
 * scrubbed of exact secrets, free text redacted. Readers may throw on a hostile object (a Proxy,
 * a throwing getter): call them inside a guarded item boundary (see `walk.ts`).
 *
 * @module
 */
import { bound, REDACTED, redactField, type Scrubber } from "../internal/redact.js";

/** Any non-array object. */
export type Obj = object;

/** Thrown inside a guarded item to reject it with a path (never escapes the walk). */
export class ItemRejected {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

/** Rejects the item being decoded: it becomes a problem at `path`. */
export function reject(path: string, message: string): never {
  throw new ItemRejected(path, message);
}

/** A non-array object. May throw on a revoked Proxy: call inside a guarded boundary. */
export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An own property only: never `__proto__` or an inherited member. May throw on a hostile object. */
export function readOwn(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** The object at `o[key]`, if it is one. */
export function child(o: Obj | undefined, key: string): Obj | undefined {
  if (o === undefined) return undefined;
  const v = readOwn(o, key);
  return isObject(v) ? v : undefined;
}

/** `v` if it is an object, else the item is rejected at `path`. */
export function object(v: unknown, path: string): Obj {
  return isObject(v) ? v : reject(path, "expected an object");
}

/** Exact secrets replaced, length bounded; nothing else rewritten. */
export function scrubOnly(text: string, scrub: Scrubber): string {
  let out = text;
  for (const form of scrub.forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return bound(out);
}

/** A string, or a finite number as a string. */
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined);

/** An identifier the application matches on (ids, numbers, opaque data): exact secrets scrubbed, length bounded, no pattern rewriting. */
export function id(v: unknown, scrub: Scrubber): string | undefined {
  const s = str(v);
  return s === undefined ? undefined : scrubOnly(s, scrub);
}

/** Free text: redacted like an error field. */
export function text(v: unknown, scrub: Scrubber): string | undefined {
  const s = str(v);
  return s === undefined ? undefined : redactField(s, scrub);
}

/** A non-empty string of ASCII digits only (the usual timestamp), checked without a regex. */
function digitsOnly(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Unix seconds, as a number or a numeric string. */
export function seconds(v: unknown): Date | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && v.length <= 32 && (digitsOnly(v) || /^\s*\d+(\.\d+)?\s*$/.test(v)) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Unix seconds, or an ISO 8601 / RFC 3339 date (both forms are seen for expiries). */
export function instant(v: unknown): Date | undefined {
  const s = seconds(v);
  if (s !== undefined || typeof v !== "string" || v.length > 64 || !/^\d{4}-\d{2}-\d{2}/.test(v.trim())) return s;
  const d = new Date(v.trim());
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** One of the known values (compared in upper case), or `"UNKNOWN"`. */
export function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T | "UNKNOWN" {
  const up = typeof v === "string" && v.length <= 64 ? v.toUpperCase() : "";
  return (allowed as readonly string[]).includes(up) ? (up as T) : "UNKNOWN";
}

/** `{ [key]: value }` when the value is defined, `{}` otherwise (for `exactOptionalPropertyTypes`). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** What `object` held, without echoing anything that could be a secret. */
export function describeKind(kind: unknown, scrub: Scrubber): string {
  if (kind === undefined) return "nothing";
  if (typeof kind === "string") return /^[a-z_]{1,40}$/.test(kind) ? JSON.stringify(scrubOnly(kind, scrub)) : `a string of ${kind.length} characters`;
  if (kind === null) return "null";
  try {
    return Array.isArray(kind) ? "an array" : `a ${typeof kind}`;
  } catch {
    return "an unreadable value";
  }
}
