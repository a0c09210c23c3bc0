/**
 * Exhaustive matching without dependencies, and structural guards (never `instanceof`).
 *
 * @module
 */
import { catalog, type Category } from "./catalog.js";
import type { CallingError, GraphError } from "./errors.js";
import { guard } from "./internal/guard.js";
import { redactDeep } from "./internal/redact.js";

/** A property of a value that may be hostile (a getter or a Proxy trap may throw): read or `undefined`. */
function read(value: unknown, key: string): unknown {
  return guard(() => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined), () => undefined);
}

/** An own function-valued entry of a handler table, read without trusting the table. */
function handlerOf(handlers: unknown, key: string | undefined): ((e: never) => unknown) | undefined {
  return guard(() => {
    if (typeof handlers !== "object" || handlers === null) return undefined;
    const own = key !== undefined && Object.prototype.hasOwnProperty.call(handlers, key) ? (handlers as Record<string, unknown>)[key] : undefined;
    const h = typeof own === "function" ? own : (handlers as Record<string, unknown>)["_"];
    return typeof h === "function" ? (h as (e: never) => unknown) : undefined;
  }, () => undefined);
}

/** Anything with a string `_tag`: every wacall error, and unions of them. */
export interface Tagged {
  readonly _tag: string;
}

/** A handler for every tag of `E`: the compiler rejects a record with one missing. */
export type Handlers<E extends Tagged, R> = {
  readonly [K in E["_tag"]]: (error: Extract<E, { readonly _tag: K }>) => R;
};

/** Handlers for some tags of `E` plus `_`, the fallback for the rest. */
export type PartialHandlers<E extends Tagged, R> = Partial<Handlers<E, R>> & {
  readonly _: (error: E) => R;
};

/** Handlers for any tags of `E` and an optional `_`: what {@link matchError} contextually types. */
export type SomeHandlers<E extends Tagged> = {
  readonly [K in E["_tag"]]?: (error: Extract<E, { readonly _tag: K }>) => unknown;
} & {
  readonly _?: (error: E) => unknown;
};

/**
 * Nothing when `H` has `_` or a handler for every key of `Keys`; otherwise an object type that
 * requires the missing handlers, so that the compile error names them: `Property 'DuplicateCall'
 * is missing …`, or `… is missing the following properties …: DuplicateCall, UnknownCallingError`
 * (and an editor's quick fix adds them).
 */
export type MissingHandlers<H, Keys extends PropertyKey, Variants> = [Keys] extends [keyof H]
  ? unknown
  : "_" extends keyof H
    ? unknown
    : { readonly [K in Exclude<Keys, keyof H>]: (error: Variants extends { readonly _tag: K } | { readonly category: K } ? Variants : never) => unknown };

/**
 * Matches an error by its `_tag`. Give a handler for every tag (checked by the compiler, which
 * names the tags that are missing), or some handlers and `_` for the rest.
 *
 * @example
 * const text = matchError(e, {
 *   CallPermissionNotFound: () => "ask for permission",
 *   _: (other) => `failed: ${other._tag}`,
 * });
 */
export function matchError<E extends Tagged, const H extends SomeHandlers<E>>(
  error: E,
  handlers: H & NoExtraKeys<H, E["_tag"] | "_"> & MissingHandlers<H, E["_tag"], E>,
): HandlerResult<H>;
export function matchError(error: Tagged, handlers: object): unknown {
  const tag = read(error, "_tag");
  return dispatch(handlers, typeof tag === "string" ? tag : undefined, error);
}

/** Rejects keys that are not tags (a typo would otherwise hide a missing handler). */
export type NoExtraKeys<H, Allowed extends PropertyKey> = { readonly [K in Exclude<keyof H, Allowed>]: never };

/** The union of what the handlers of a record return. */
export type HandlerResult<H> = {
  [K in keyof H]: H[K] extends (...args: never[]) => infer R ? R : never;
}[keyof H];

/**
 * Calls the handler of `key`, or `_`. The types make one of them exist; for a caller the types do
 * not protect (plain JavaScript, a value read from elsewhere), no handler gives `undefined`. What a
 * handler itself throws is the caller's own exception and is not caught.
 */
function dispatch<E>(handlers: object, key: string | undefined, error: E): unknown {
  const handler = handlerOf(handlers, key) as ((e: E) => unknown) | undefined;
  return handler === undefined ? undefined : handler(error);
}

/**
 * Anything with a `category`: every {@link GraphError} (the closed set {@link Category}) and the
 * client's errors (which add `"transport"`).
 */
export interface Categorized {
  readonly category: Category | "transport";
}

/** A handler for every category that `E` can have. */
export type CategoryHandlers<E extends Categorized, R> = {
  readonly [K in E["category"]]: (error: Extract<E, { readonly category: K }>) => R;
};

/** Handlers for any categories of `E` and an optional `_`: what {@link matchCategory} contextually types. */
export type SomeCategoryHandlers<E extends Categorized> = {
  readonly [K in E["category"]]?: (error: Extract<E, { readonly category: K }>) => unknown;
} & {
  readonly _?: (error: E) => unknown;
};

/**
 * Matches an error by its category: coarse handling such as alerting or routing, exhaustive over
 * the categories the union can have (the compiler names the missing ones), or some of them and
 * `_`.
 *
 * @example
 * matchCategory(e, { limit: (l) => l.retryAt, _: () => undefined });
 */
export function matchCategory<E extends Categorized, const H extends SomeCategoryHandlers<E>>(
  error: E,
  handlers: H & NoExtraKeys<H, E["category"] | "_"> & MissingHandlers<H, E["category"], E>,
): HandlerResult<H>;
export function matchCategory(error: Categorized, handlers: object): unknown {
  const category = read(error, "category");
  return dispatch(handlers, typeof category === "string" ? category : undefined, error);
}

let tagSets: { readonly calling: ReadonlySet<string>; readonly graph: ReadonlySet<string> } | undefined;

/** The known tags, built on first use: module-level work would keep the catalog in every bundle that imports matchError. */
function knownTags(): { readonly calling: ReadonlySet<string>; readonly graph: ReadonlySet<string> } {
  tagSets ??= {
    calling: new Set<string>([...catalog.filter((r) => r.family === "calling").map((r) => r.tag), "UnknownCallingError"]),
    graph: new Set<string>([...catalog.map((r) => r.tag), "UnknownCallingError", "UnknownGraphError", "MalformedResponse"]),
  };
  return tagSets;
}

function tagOf(value: unknown): string | undefined {
  const tag = read(value, "_tag");
  return typeof tag === "string" ? tag : undefined;
}

/**
 * Whether a value is a wacall {@link GraphError} (checked by its `_tag`, so it works across
 * copies of the package).
 *
 * @example
 * isGraphError({ _tag: "DuplicateCall" }); // true
 */
export function isGraphError(value: unknown): value is GraphError {
  const tag = tagOf(value);
  return tag !== undefined && knownTags().graph.has(tag);
}

/**
 * Whether a value is a Calling API error (a calling code, documented or not).
 *
 * @example
 * isCallingError(decodeGraphError({ code: 138021 })); // true
 */
export function isCallingError(value: unknown): value is CallingError {
  const tag = tagOf(value);
  return tag !== undefined && knownTags().calling.has(tag);
}

/**
 * Whether retrying the same request may succeed (the error's `retryable` field).
 *
 * @example
 * isRetryable(decodeGraphError({ code: 138002 })); // true
 */
export function isRetryable(error: { readonly retryable: boolean }): boolean {
  return read(error, "retryable") === true;
}

/**
 * Narrows a value to the variants with one of the given tags.
 *
 * @example
 * if (hasTag(e, "ConcurrentCallsLimit", "CallRateLimitExceeded")) e.retryAt;
 */
export function hasTag<E extends Tagged, const T extends readonly E["_tag"][]>(
  error: E,
  ...tags: T
): error is Extract<E, { readonly _tag: T[number] }> {
  const tag = tagOf(error);
  return tag !== undefined && guard(() => Array.isArray(tags) && (tags as readonly unknown[]).includes(tag), () => false);
}

/** An `Error` carrying a wacall error as its `cause`, for code that must throw. */
export interface WacallThrowable<E extends Tagged> extends Error {
  readonly cause: E;
}

/**
 * The one bridge to exceptions: an `Error` whose `name` is the tag and whose `cause` is the error
 * value. wacall never throws it; you may.
 *
 * @example
 * if (result.isErr()) throw toError(result.error);
 */
export function toError<E extends Tagged & { readonly message: string; readonly code?: number }>(
  error: E,
): WacallThrowable<E> {
  const tag = tagOf(error) ?? "UnknownError";
  const rawCode = read(error, "code");
  const rawMessage = read(error, "message");
  const code = typeof rawCode === "number" ? ` (${rawCode})` : "";
  const message = typeof rawMessage === "string" ? rawMessage : "";
  // The value itself when it is a plain object; otherwise (a Proxy, a class instance) a JSON-safe
  // copy, so printing the Error can never throw.
  const plain = guard(() => {
    const proto: unknown = Object.getPrototypeOf(error);
    return proto === Object.prototype || proto === null;
  }, () => false);
  const cause = plain ? error : redactDeep(error);
  const e = new Error(`${tag}${code}: ${message}`, { cause }) as WacallThrowable<E>;
  e.name = tag;
  return e;
}
