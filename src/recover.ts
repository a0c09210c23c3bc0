/**
 * Tag recovery: handle some tags of a `Result`'s error and get back a result whose error type is
 * what is left, so the compiler tracks what can still fail.
 *
 * @module
 */
import { err, type Result, type ResultAsync } from "neverthrow";
import { guard } from "./internal/guard.js";
import type { NoExtraKeys, Tagged } from "./match.js";

/** What a recovery handler may give back: a `Result`, or (on a `ResultAsync`) a `ResultAsync`. */
export type Recovery = Result<unknown, unknown> | ResultAsync<unknown, unknown>;

/** A `Result` or `ResultAsync` whose error is tagged: what {@link catchTags} recovers from. */
export type TaggedResult = Result<unknown, Tagged> | ResultAsync<unknown, Tagged>;

/** The success types of a union of results (`Result` or `ResultAsync`). */
export type OkOf<R> = R extends Result<infer T, unknown> ? T : R extends ResultAsync<infer T, unknown> ? T : never;

/** The error types of a union of results (`Result` or `ResultAsync`). */
export type ErrOf<R> = R extends Result<unknown, infer E> ? E : R extends ResultAsync<unknown, infer E> ? E : never;

/**
 * Handlers for some tags of `E`, each turning its variant into an `R` (a success, or another
 * error). A key that is not a tag of `E` is a compile error.
 */
export type RecoverHandlers<E extends Tagged, R = Recovery> = {
  readonly [K in E["_tag"]]?: (error: Extract<E, { readonly _tag: K }>) => R;
};

/** The union of what the handlers of a record return. */
type Returned<H> = { [K in keyof H]-?: H[K] extends (...args: never[]) => infer R ? R : never }[keyof H];

/**
 * Each handler must return a result, and a sync `Result`'s handlers a sync `Result`. Checked
 * apart from the handlers' own type, and only once a handler's return type is known, so that it
 * gives no contextual type: `ok(x)` in a handler keeps its error type `never`.
 */
type ReturnsResults<In, H> = {
  readonly [K in keyof H]: H[K] extends (...args: never[]) => infer R
    ? unknown extends R
      ? unknown
      : [R] extends [In extends ResultAsync<unknown, unknown> ? Recovery : Result<unknown, unknown>]
        ? unknown
        : (...args: never[]) => In extends ResultAsync<unknown, unknown> ? Recovery : Result<unknown, unknown>
    : unknown;
};

/** The variants of `E` that the handlers `H` do not handle. */
export type Uncaught<E, H> = Exclude<E, { readonly _tag: keyof H }>;

/** The error type left after {@link catchTags}: the unhandled variants and what the handlers fail with. */
export type CaughtError<E, H> = Uncaught<E, H> | ErrOf<Returned<H>>;

/** The success type after {@link catchTags}: the original one and what the handlers recover to. */
export type CaughtValue<T, H> = T | OkOf<Returned<H>>;

/**
 * What {@link catchTags} gives back for `In` and handlers `H`: async when `In` or a handler is,
 * with the handled tags gone from the error type.
 */
export type Caught<In, H> = In extends ResultAsync<infer T, infer E>
  ? ResultAsync<CaughtValue<T, H>, CaughtError<E, H>>
  : Result<CaughtValue<OkOf<In>, H>, CaughtError<ErrOf<In>, H>>;

/** A property read that never throws (a getter or a Proxy trap may). */
function read(value: unknown, key: string): unknown {
  return guard(() => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined), () => undefined);
}

/** The own handler of `tag` (no fallback: a tag without one stays an error). */
function handlerFor(handlers: unknown, tag: unknown): ((error: unknown) => unknown) | undefined {
  if (typeof tag !== "string") return undefined;
  return guard(() => {
    if (typeof handlers !== "object" || handlers === null || !Object.prototype.hasOwnProperty.call(handlers, tag)) return undefined;
    const h = (handlers as Record<string, unknown>)[tag];
    return typeof h === "function" ? (h as (error: unknown) => unknown) : undefined;
  }, () => undefined);
}

/** Whether a value has a method of this name (read without trusting the value). */
function hasMethod(value: unknown, name: string): boolean {
  return typeof read(value, name) === "function";
}

/**
 * Handles some tags of a result's error: each handler turns its variant into a success (`ok`) or
 * another error (`err`), and the error type of what comes back is the rest (`Exclude` of the
 * handled variants) plus what the handlers fail with. Handling every tag leaves `never`. A
 * `Result` gives a `Result` (handlers return `Result`); a `ResultAsync` gives a `ResultAsync`
 * (handlers return either). A key that is not a tag of the error type does not compile.
 *
 * It sits beside neverthrow's `orElse`: where `orElse` keeps the whole union and must re-raise
 * the rest, `catchTags` re-raises the rest itself and says so in the type. Successes and errors
 * without a handler come back unchanged; what a handler throws is the caller's own exception. A
 * value that is not a result is returned as it is.
 *
 * @example
 * const placed = catchTags(client.connect(call), {
 *   CallPermissionNotFound: (e) => requestPermission(e), // ResultAsync<"asked", RequestError>
 *   DuplicateCall: () => okAsync("already on a call" as const),
 * });
 * // ResultAsync<CallId | "asked" | "already on a call", Exclude<ClientErrorOf<"connect">, …> | RequestError>
 */
export function catchTags<In extends TaggedResult, H extends RecoverHandlers<ErrOf<In>, unknown>>(
  result: In,
  handlers: H & NoExtraKeys<H, ErrOf<In>["_tag"]> & ReturnsResults<In, H>,
): Caught<In, H>;
export function catchTags(result: unknown, handlers: object): unknown {
  if (hasMethod(result, "isErr")) {
    // A Result: only an Err with a handler changes.
    const isErr = guard(() => (result as { isErr(): unknown }).isErr() === true, () => false);
    if (!isErr) return result;
    const error = read(result, "error");
    const handler = handlerFor(handlers, read(error, "_tag"));
    return handler === undefined ? result : handler(error);
  }
  if (hasMethod(result, "then") && hasMethod(result, "orElse")) {
    // A ResultAsync: its own orElse waits; the rest is re-raised as it was.
    const recover = (error: unknown): unknown => {
      const handler = handlerFor(handlers, read(error, "_tag"));
      return handler === undefined ? err(error) : handler(error);
    };
    return guard(() => (result as { orElse(f: (e: unknown) => unknown): unknown }).orElse(recover), () => result);
  }
  return result;
}
