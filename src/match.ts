/**
 * Exhaustive matching without dependencies, and structural guards (never `instanceof`).
 *
 * @module
 */
import { catalog, type Category } from "./catalog.js";
import type { CallingError, GraphError } from "./errors.js";

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

/**
 * Matches an error by its `_tag`. Give a handler for every tag (checked by the compiler), or some
 * handlers and `_` for the rest.
 *
 * @example
 * const text = matchError(e, {
 *   CallPermissionNotFound: () => "ask for permission",
 *   _: (other) => `failed: ${other._tag}`,
 * });
 */
export function matchError<E extends Tagged, const H extends Handlers<E, unknown>>(
  error: E,
  handlers: H & NoExtraKeys<H, E["_tag"]>,
): HandlerResult<H>;
export function matchError<E extends Tagged, const H extends PartialHandlers<E, unknown>>(
  error: E,
  handlers: H & NoExtraKeys<H, E["_tag"] | "_">,
): HandlerResult<H>;
export function matchError(error: Tagged, handlers: object): unknown {
  return dispatch(handlers, error._tag, error);
}

/** Rejects keys that are not tags (a typo would otherwise hide a missing handler). */
export type NoExtraKeys<H, Allowed extends PropertyKey> = { readonly [K in Exclude<keyof H, Allowed>]: never };

/** The union of what the handlers of a record return. */
export type HandlerResult<H> = {
  [K in keyof H]: H[K] extends (...args: never[]) => infer R ? R : never;
}[keyof H];

function dispatch<E>(handlers: object, key: string, error: E): unknown {
  const table = handlers as Readonly<Record<string, ((e: E) => unknown) | undefined>>;
  const handler = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  return (handler ?? (table["_"] as (e: E) => unknown))(error);
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

/**
 * Matches an error by its category: coarse handling such as alerting or routing, exhaustive over
 * the categories the union can have (or some of them and `_`).
 *
 * @example
 * matchCategory(e, { limit: (l) => l.retryAt, _: () => undefined });
 */
export function matchCategory<E extends Categorized, const H extends CategoryHandlers<E, unknown>>(
  error: E,
  handlers: H & NoExtraKeys<H, E["category"]>,
): HandlerResult<H>;
export function matchCategory<
  E extends Categorized,
  const H extends Partial<CategoryHandlers<E, unknown>> & { readonly _: (error: E) => unknown },
>(error: E, handlers: H & NoExtraKeys<H, E["category"] | "_">): HandlerResult<H>;
export function matchCategory(error: Categorized, handlers: object): unknown {
  return dispatch(handlers, error.category, error);
}

const callingTags = new Set<string>([
  ...catalog.filter((r) => r.family === "calling").map((r) => r.tag),
  "UnknownCallingError",
]);
const graphTags = new Set<string>([
  ...catalog.map((r) => r.tag),
  "UnknownCallingError",
  "UnknownGraphError",
  "MalformedResponse",
]);

function tagOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const tag = (value as { _tag?: unknown })._tag;
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
  return tag !== undefined && graphTags.has(tag);
}

/**
 * Whether a value is a Calling API error (a calling code, documented or not).
 *
 * @example
 * isCallingError(decodeGraphError({ code: 138021 })); // true
 */
export function isCallingError(value: unknown): value is CallingError {
  const tag = tagOf(value);
  return tag !== undefined && callingTags.has(tag);
}

/**
 * Whether retrying the same request may succeed (the error's `retryable` field).
 *
 * @example
 * isRetryable(decodeGraphError({ code: 138002 })); // true
 */
export function isRetryable(error: { readonly retryable: boolean }): boolean {
  return error.retryable;
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
  return (tags as readonly string[]).includes(error._tag);
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
  const code = error.code === undefined ? "" : ` (${error.code})`;
  const e = new Error(`${error._tag}${code}: ${error.message}`, { cause: error }) as WacallThrowable<E>;
  e.name = error._tag;
  return e;
}
