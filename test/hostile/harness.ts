/**
 * What the hostile-input suites share: running a call so that a throw, a rejection or a hang is
 * recorded instead of lost, checking that what came back can be serialized and printed, and the
 * transports the client is pointed at (a fake fetch, a closed loopback port).
 */
import { createServer } from "node:net";
import { inspect } from "node:util";
import { fc } from "@fast-check/vitest";
import { arbHostileClock, arbHostileHeaders, arbHostileSignal, arbHostileValueWith, arbToken } from "../../src/testing/arbitraries.js";
import type { Clock, HeadersLike } from "wacall";

/** Everything one run hands to a call: two hostile values, a hostile context and a secret. */
export interface Hostile {
  readonly value: unknown;
  readonly other: unknown;
  readonly headers: HeadersLike;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly pick: number;
  readonly secret: string;
}

/**
 * Sizes for in-process runs: strings of 300,000 characters (the multi-megabyte ones have their
 * own suite) and no expansive values, which hang a walker without a node budget synchronously,
 * beyond the reach of any timeout.
 */
export const inProcess = { hugeLength: 300_000, expansive: false } as const;

/** Hostile arguments and contexts for one call. */
export const arbHostile: fc.Arbitrary<Hostile> = fc.record({
  value: arbHostileValueWith(inProcess),
  other: arbHostileValueWith(inProcess),
  headers: arbHostileHeaders,
  clock: arbHostileClock,
  signal: arbHostileSignal,
  pick: fc.nat({ max: 1_000 }),
  secret: arbToken,
});

/** Describes anything, even a value whose every operation throws. */
export function describeSafely(v: unknown): string {
  try {
    if (v instanceof Error) return `${v.name}: ${v.message}`.slice(0, 300);
  } catch {
    // fall through
  }
  try {
    return inspect(v, { depth: 2, breakLength: Number.POSITIVE_INFINITY }).slice(0, 300);
  } catch {
    try {
      return `a ${typeof v} that cannot be printed`;
    } catch {
      return "an unprintable value";
    }
  }
}

/** How a call ended. */
export type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly why: string };

/** Runs a call and waits for it (at most `ms`): a throw, a rejection or a hang becomes a reason. */
export async function settle(call: () => unknown, ms = 5_000): Promise<Settled> {
  let result: unknown;
  try {
    result = call();
  } catch (e) {
    return { ok: false, why: `threw ${describeSafely(e)}` };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, why: `did not settle within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      Promise.resolve(result).then(
        (value): Settled => ({ ok: true, value }),
        (e: unknown): Settled => ({ ok: false, why: `rejected with ${describeSafely(e)}` }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether walking a value as a tree (as `JSON.stringify` does) stays under `budget` nodes. */
function walkable(value: unknown, budget = 200_000): boolean {
  const stack: unknown[] = [value];
  let seen = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (++seen > budget) return false;
    try {
      for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    } catch {
      return true; // a throwing read: JSON.stringify reports it below
    }
  }
  return true;
}

/** Why a returned value cannot be serialized or printed, if it cannot. */
export function unprintable(value: unknown): string | undefined {
  if (!walkable(value)) return "what it returned is cyclic or expands past 200,000 nodes";
  try {
    JSON.stringify(value);
  } catch (e) {
    return `JSON.stringify threw ${describeSafely(e)}`;
  }
  try {
    inspect(value, { depth: 8 });
  } catch (e) {
    return `util.inspect threw ${describeSafely(e)}`;
  }
  return undefined;
}

/** Everything a value shows when serialized or printed (`console.log` uses `util.inspect`). */
export function printed(value: unknown): string {
  return `${JSON.stringify(value)}\n${inspect(value, { depth: Number.POSITIVE_INFINITY })}`;
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address !== null ? address.port : 9;
}

/** A fetch that answers every request with the given status, body and headers. */
export function answering(status: number, body: string | Uint8Array, headers: Readonly<Record<string, string>> = {}): typeof fetch {
  return async () => new Response(typeof body === "string" ? body : new Uint8Array(body), { status, headers: { "content-type": "application/json", ...headers } });
}
