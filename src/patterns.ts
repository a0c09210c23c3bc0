/**
 * Patterns for ts-pattern, as plain data: objects that `match(e).with(pattern, …)` accepts and
 * narrows by, without ts-pattern at run time. Combine them with ts-pattern's own `P.union`,
 * `P.select` and `P.not`.
 *
 * @module
 */
import { catalog, categories, retryAdviceKinds, type Category, type RetryAdviceKind } from "./catalog.js";
import type { CallingError, CallingErrorTag, GraphErrorTag } from "./errors.js";

/** The pattern of one category: `{ category }`. */
export type CategoryPattern<C extends string> = { readonly category: C };

/** The pattern of one retry advice kind: `{ advice: { kind } }`. */
export type AdvicePattern<K extends string> = { readonly advice: { readonly kind: K } };

/** The pattern of one tag: `{ _tag }`. */
export type TagPattern<T extends string> = { readonly _tag: T };

/** A record of patterns, one per key. */
function patterns<K extends string, P>(keys: readonly K[], make: (key: K) => P): { readonly [Key in K]: P } {
  return Object.freeze(Object.fromEntries(keys.map((k) => [k, Object.freeze(make(k))]))) as { readonly [Key in K]: P };
}

/**
 * One pattern per category, `transport` (the client's) included.
 *
 * @example
 * match(e).with(byCategory.limit, (l) => l.retryAt).otherwise(() => undefined);
 */
export const byCategory: { readonly [C in Category | "transport"]: CategoryPattern<C> } = patterns(
  [...categories, "transport"],
  (category) => ({ category }),
) as { readonly [C in Category | "transport"]: CategoryPattern<C> };

/**
 * One pattern per retry advice kind. A `backoff` whose time is known has kind `at`: match both
 * with `P.union(byAdvice.backoff, byAdvice.at)`.
 *
 * @example
 * match(e).with(byAdvice["refresh-token"], () => "rotate the token").otherwise(() => "other");
 */
export const byAdvice: { readonly [K in RetryAdviceKind | "at"]: AdvicePattern<K> } = patterns(
  [...retryAdviceKinds, "at"],
  (kind) => ({ advice: Object.freeze({ kind }) }),
) as { readonly [K in RetryAdviceKind | "at"]: AdvicePattern<K> };

const callingTagList: readonly CallingErrorTag[] = [
  ...catalog.filter((r): r is Extract<(typeof catalog)[number], { family: "calling" }> => r.family === "calling").map((r) => r.tag),
  "UnknownCallingError",
];

/**
 * One pattern per tag of every Graph error, the fallbacks included.
 *
 * @example
 * match(e).with(byTag.DuplicateCall, () => "busy").otherwise(() => "other");
 */
export const byTag: { readonly [T in GraphErrorTag]: TagPattern<T> } = patterns(
  [...catalog.map((r) => r.tag), "UnknownCallingError", "UnknownGraphError", "MalformedResponse"],
  (_tag) => ({ _tag }),
) as { readonly [T in GraphErrorTag]: TagPattern<T> };

/**
 * The Calling API's own errors ({@link CallingError}): a pattern per calling tag, and a pattern
 * per category a calling error can have. To ask whether any value is a calling error, use
 * `P.when(isCallingError)`.
 *
 * @example
 * match(e).with(calling.byTag.CallPermissionNotFound, () => "ask").otherwise(() => "other");
 */
export const calling: {
  readonly byTag: { readonly [T in CallingErrorTag]: TagPattern<T> };
  readonly byCategory: { readonly [C in CallingError["category"]]: CategoryPattern<C> };
} = Object.freeze({
  byTag: patterns(callingTagList, (_tag) => ({ _tag })) as { readonly [T in CallingErrorTag]: TagPattern<T> },
  byCategory: patterns(
    [...new Set<CallingError["category"]>([...catalog.filter((r) => r.family === "calling").map((r) => r.category as CallingError["category"]), "unknown"])],
    (category) => ({ category }),
  ) as { readonly [C in CallingError["category"]]: CategoryPattern<C> },
});
