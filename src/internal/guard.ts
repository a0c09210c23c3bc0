/**
 * The one boundary where JavaScript may throw while reading a user-supplied value (a getter, a
 * Proxy trap, a revoked Proxy, a `toJSON`): the work runs inside it, and a throw becomes the
 * fallback value instead.
 */

/**
 * Runs `run`; if it throws, returns `fallback(cause)`; if that throws too, returns
 * `lastResort`. Never throws.
 *
 * @example
 * guard(() => JSON.parse(text), () => undefined, undefined);
 */
export function guard<T>(run: () => T, fallback: (cause: unknown) => T, lastResort?: T): T {
  try {
    return run();
  } catch (cause) {
    try {
      return fallback(cause);
    } catch {
      return lastResort as T;
    }
  }
}

/** Epoch milliseconds from a user clock; `Date.now()` when the clock throws or is not finite. */
export function safeNow(clock: (() => number) | undefined): number {
  if (clock === undefined) return Date.now();
  try {
    const t = clock();
    return typeof t === "number" && Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? t : Date.now();
  } catch {
    return Date.now();
  }
}
