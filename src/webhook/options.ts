/**
 * Reading an options object the caller passed, whatever it is (`null`, a Proxy whose traps throw,
 * a getter that throws): each option is read once, inside the guarded boundary.
 *
 * @module
 */
import { guard } from "../internal/guard.js";

/** The option `key` of `options`, or `undefined` when `options` is not an object or reading it throws. */
export function optionOf(options: unknown, key: string): unknown {
  return guard(
    () => ((typeof options === "object" || typeof options === "function") && options !== null ? (options as Record<string, unknown>)[key] : undefined),
    () => undefined,
  );
}

/** A positive finite number option, or the fallback. */
export function positiveOption(options: unknown, key: string, fallback: number): number {
  const v = optionOf(options, key);
  return typeof v === "number" && v > 0 && Number.isFinite(v) ? v : fallback;
}
