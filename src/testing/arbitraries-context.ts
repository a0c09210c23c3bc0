/**
 * fast-check generators of hostile contexts: headers, clocks and abort signals that throw, lie
 * about their types, or carry values out of range.
 *
 * @module
 */
import fc from "fast-check";
import type { Clock, HeadersLike } from "../retry.js";
import { described, revokedProxy, thrower, throwingProxy, withThrowingGetters } from "./arbitraries-hostile-parts.js";

const usage = (v: unknown) => JSON.stringify({ "1": [{ type: "messaging", call_count: 1, estimated_time_to_regain_access: v }] });

/**
 * Headers that lie: a `get` that throws, returns a non-string or is not a function; records with
 * arrays, numbers or throwing getters; Proxies; odd `Retry-After` and usage values. Typed as
 * headers, as an untyped caller would pass them.
 *
 * @example
 * fc.assert(fc.property(arbHostileHeaders, (headers) => {
 *   JSON.stringify(decodeGraphError('{"error":{"code":4}}', { status: 429, headers }));
 * }));
 */
export const arbHostileHeaders: fc.Arbitrary<HeadersLike> = fc
  .oneof(
    fc.nat({ max: 6 }).map((k) => ({ get: thrower(k) })),
    fc.constantFrom<unknown>(42, {}, Symbol("header"), ["30"], 30n, Number.NaN, null).map((v) => ({ get: () => v })),
    fc.constant(null).map(() => ({ get: () => ({ toString: thrower(0), valueOf: thrower(0) }) })),
    fc.constant(null).map(() => ({ get: () => `Bearer ${" ".repeat(100_000)}x` })),
    fc.constant(null).map(() => ({ get: 5 })),
    fc.constant(null).map(() => throwingProxy({}, "headers Proxy whose traps throw")),
    fc.constant(null).map(() => throwingProxy({ get: () => "1" }, "headers Proxy with a get whose traps throw", 2)),
    fc.constant(null).map(() => ({ get: () => revokedProxy({}) })),
    fc.constant(null).map(() => withThrowingGetters(["retry-after", "Retry-After", "x-business-use-case-usage", "www-authenticate", "get"], 0)),
    fc.constant(null).map(() => Object.assign(Object.create(null) as object, { "retry-after": "30" })),
    fc.constant(null).map(() => new Map([["retry-after", "30"]])),
    fc.constant(null).map(() => Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`x-h${i}`, "1"]))),
    fc.constantFrom<unknown>("retry-after: 30", 30, [["retry-after", "30"]], undefined, null, true),
    fc.dictionary(
      fc.constantFrom("retry-after", "Retry-After", "RETRY-AFTER", "x-business-use-case-usage", "x-app-usage", "www-authenticate", "content-type", "__proto__", "constructor"),
      fc.oneof(
        fc.constantFrom<unknown>("-1", "NaN", "1e400", "Infinity", "99999999999999999999", "Fri, 31 Dec 275760 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "", " ", "0x10", "1.5"),
        fc.constantFrom<unknown>([], [1], ["1", "2"], [["30"]], 30, null, 1n, Symbol("v"), { toString: () => "30" }),
        fc.constantFrom<unknown>(-1, "x", 1e308, -1e308, "1e400", null, { toString: () => "1" }).map(usage),
        fc.constantFrom("{", "[]", "null", '{"1":null}', '{"1":[null]}', '{"1":[{"estimated_time_to_regain_access":{}}]}', `{"x":${"[".repeat(10_000)}${"]".repeat(10_000)}}`),
        fc.constantFrom('Bearer realm="x", error="invalid_token"', `Bearer ${"a".repeat(100_000)}`),
        fc.string(),
      ),
      { maxKeys: 4 },
    ),
  )
  .map((h) => described(h, "hostile headers") as HeadersLike);

/**
 * Clocks that lie: they throw, return NaN, ±Infinity, negative or out-of-range times, non-numbers,
 * go backwards, or are not functions at all (typed as a clock, as an untyped caller would pass).
 *
 * @example
 * fc.assert(fc.property(arbHostileClock, (clock) => {
 *   JSON.stringify(decodeCallingResponse("connect", { status: 429, body: "{}" }, { clock }));
 * }));
 */
export const arbHostileClock: fc.Arbitrary<Clock> = fc
  .oneof(
    fc.nat({ max: 6 }).map((k): unknown => thrower(k)),
    fc
      .constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -8.64e15 - 1, 8.64e15 + 1, Number.MAX_VALUE, -Number.MAX_VALUE, -0, 1.5, "1700000000000", 1n, undefined, null, {}, Symbol("now"))
      .map((v): unknown => () => v),
    fc.constant(null).map((): unknown => () => ({ valueOf: thrower(0), [Symbol.toPrimitive]: thrower(0) })),
    fc.constant(null).map((): unknown => {
      let t = 1_700_000_000_000;
      return () => (t -= 3_600_000);
    }),
    fc.double().map((v): unknown => () => v),
    fc.constantFrom<unknown>(5, null, "Date.now"),
    fc.constant(null).map((): unknown => throwingProxy(() => 0, "clock Proxy whose traps throw")),
    fc.constant(null).map((): unknown => () => revokedProxy({})),
  )
  .map((c) => described(c, "hostile clock") as Clock);

/**
 * Abort signals that lie or carry unprintable reasons: already aborted with a reason that throws
 * when read, a revoked Proxy as the reason, or an object that only looks like a signal and throws.
 *
 * @example
 * fc.assert(fc.asyncProperty(arbHostileSignal, async (signal) => {
 *   await client.terminate({ callId }, { signal }); // resolves to a Result, never rejects
 * }));
 */
export const arbHostileSignal: fc.Arbitrary<AbortSignal> = fc
  .oneof(
    fc.nat({ max: 6 }).map((k): unknown => {
      const c = new AbortController();
      c.abort(Object.defineProperty({}, "message", { get: thrower(k), enumerable: true }));
      return c.signal;
    }),
    fc.constant(null).map((): unknown => AbortSignal.abort(revokedProxy({}))),
    fc.constant(null).map((): unknown => ({ aborted: true, reason: revokedProxy({}), addEventListener: () => undefined, removeEventListener: () => undefined })),
    fc.constant(null).map((): unknown => AbortSignal.abort(`EAA${"a".repeat(40)} Bearer secret-reason`)),
    fc.constant(null).map((): unknown => AbortSignal.abort({ toString: thrower(0) })),
    fc.constant(null).map((): unknown => withThrowingGetters(["aborted", "reason", "addEventListener", "removeEventListener", "throwIfAborted"], 0)),
    fc.constant(null).map((): unknown => throwingProxy(new AbortController().signal, "signal Proxy whose traps throw")),
    fc.constant(null).map((): unknown => ({ aborted: false, addEventListener: thrower(0), removeEventListener: thrower(0) })),
  )
  .map((s) => described(s, "hostile signal") as AbortSignal);
