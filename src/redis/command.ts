/**
 * The Redis commands of wacall's stores, each bounded in time and turned into a `ResultAsync`:
 * a client that is down, slow or closed gives a `StoreUnavailable`, never a rejection.
 *
 * @module
 */
import { err, ok, ResultAsync, type Result } from "neverthrow";
import { storeUnavailable, type StoreName, type StoreUnavailable } from "../calls/store-error.js";
import { guard } from "../internal/guard.js";
import { redactField } from "../internal/redact.js";

/**
 * What wacall needs of a Redis client: node-redis's `sendCommand` (a client from
 * `createClient()` of the `redis` package, v5 or later, fits as it is). Create it with
 * `disableOfflineQueue: true` so commands fail at once while Redis is down instead of waiting
 * for the reconnection, and give it an `error` listener.
 */
export interface RedisCommands {
  sendCommand(args: readonly string[], options?: { readonly timeout?: number }): Promise<unknown>;
}

/** The longest a command waits by default, in milliseconds. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

/** The longest any command waits, whatever its option says (a timer holds at most 2^31 - 1 ms). */
export const MAX_COMMAND_TIMEOUT_MS = 600_000;

/** The most values a reply may hold (an `XREAD COUNT 512` reply holds a few thousand). */
const MAX_REPLY_NODES = 200_000;

/** Thrown inside the guarded copy only, when a reply is too large or too deep; never escapes it. */
const unreadable: unique symbol = Symbol("unreadable reply");

/**
 * The reply copied into plain data (strings, numbers, arrays, maps, plain records), read once
 * inside a guard: a reply that throws when read (a Proxy, a getter), or is too large or too
 * deep, is `undefined` instead of an exception in whatever reads it next.
 */
function plainReply(reply: unknown): { readonly value: unknown } | undefined {
  const budget = { nodes: MAX_REPLY_NODES };
  const copy = (v: unknown, depth: number): unknown => {
    if (--budget.nodes < 0 || depth > 16) throw unreadable;
    if (typeof v !== "object" || v === null) return typeof v === "function" || typeof v === "symbol" ? undefined : v;
    if (Array.isArray(v)) {
      const n = v.length;
      if (typeof n !== "number" || n > budget.nodes) throw unreadable;
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(copy(v[i], depth + 1));
      return out;
    }
    if (v instanceof Map) {
      const out = new Map<unknown, unknown>();
      for (const [k, x] of v) out.set(copy(k, depth + 1), copy(x, depth + 1));
      return out;
    }
    if (v instanceof Uint8Array) return new TextDecoder().decode(v);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k], depth + 1);
    return out;
  };
  return guard(() => ({ value: copy(reply, 0) }), () => undefined);
}

/** A timeout option within 1 ms and {@link MAX_COMMAND_TIMEOUT_MS}. */
const boundedTimeout = (ms: number): number => (Number.isFinite(ms) && ms >= 1 ? Math.min(Math.ceil(ms), MAX_COMMAND_TIMEOUT_MS) : DEFAULT_COMMAND_TIMEOUT_MS);

/** A duration option as the integer Redis takes (`PX`, `PEXPIRE`): at least 1, at most about 300 years. */
export const durationArg = (ms: number): number => (Number.isFinite(ms) && ms >= 1 ? Math.min(Math.ceil(ms), 1e13) : 1);

/** Credentials a client error may carry: a URL's `user:password@`, an `AUTH` command's arguments. */
const urlUserInfo = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;
const authArgs = /\b(AUTH|HELLO\s+\S+\s+AUTH)\s+\S+(\s+\S+)?/gi;

/** Why a thrown value stopped a command. */
function reasonOf(cause: unknown): StoreUnavailable["reason"] {
  const name = guard(() => (cause instanceof Error ? cause.name : ""), () => "");
  const message = guard(() => (cause instanceof Error ? cause.message : ""), () => "");
  if (/timeout/i.test(name) || /timeout/i.test(message)) return "timeout";
  if (/ErrorReply|ReplyError/.test(name)) return "reply";
  return "connection";
}

function messageOf(cause: unknown): string {
  const text = guard(() => (cause instanceof Error ? `${cause.name}: ${cause.message}` : typeof cause === "string" ? cause : "a thrown value"), () => "an unreadable error");
  // Scrub the whole text before cutting it, so no credential straddles the cut.
  return redactField(text.replace(urlUserInfo, "$1[redacted]@").replace(authArgs, "$1 [redacted]").slice(0, 512));
}

/** Runs one command with a deadline. Never rejects. */
export function command(redis: RedisCommands, args: readonly string[], store: StoreName, operation: string, timeoutOption: number): ResultAsync<unknown, StoreUnavailable> {
  const timeoutMs = boundedTimeout(timeoutOption);
  return new ResultAsync(
    new Promise<Result<unknown, StoreUnavailable>>((resolve) => {
      let done = false;
      const finish = (r: Result<unknown, StoreUnavailable>) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      // A backstop beside the client's own timeout: a client that never settles still ends here.
      const timer = setTimeout(() => finish(err(storeUnavailable(store, operation, "timeout", `No reply within ${timeoutMs} ms`))), timeoutMs + 50);
      try {
        Promise.resolve(redis.sendCommand(args, { timeout: timeoutMs })).then(
          (reply) => {
            const plain = plainReply(reply);
            finish(plain === undefined ? err(storeUnavailable(store, operation, "reply", "The reply could not be read (too large, too deep, or it threw)")) : ok(plain.value));
          },
          (cause: unknown) => finish(err(storeUnavailable(store, operation, reasonOf(cause), messageOf(cause)))),
        );
      } catch (cause) {
        finish(err(storeUnavailable(store, operation, "connection", messageOf(cause))));
      }
    }),
  );
}

/** Script digests loaded per client (Redis forgets them on restart: `NOSCRIPT` loads again). */
const loaded = new WeakMap<object, Map<string, string>>();

/** Runs a Lua script by its digest, loading it first when the server does not know it. Never rejects. */
export function script(redis: RedisCommands, source: string, keys: readonly string[], args: readonly (string | number)[], store: StoreName, operation: string, timeoutMs: number): ResultAsync<unknown, StoreUnavailable> {
  const digests = guard(() => {
    let m = loaded.get(redis);
    if (m === undefined) {
      m = new Map();
      loaded.set(redis, m);
    }
    return m;
  }, () => new Map<string, string>());
  const argv = args.map(String);
  const load = () =>
    command(redis, ["SCRIPT", "LOAD", source], store, operation, timeoutMs).andThen((sha) => {
      if (typeof sha !== "string") return err(storeUnavailable(store, operation, "reply", "SCRIPT LOAD gave no digest"));
      digests.set(source, sha);
      return ok(sha);
    });
  const run = (sha: string) => command(redis, ["EVALSHA", sha, String(keys.length), ...keys, ...argv], store, operation, timeoutMs);
  const known = digests.get(source);
  const first = known === undefined ? load().andThen(run) : run(known);
  return first.orElse((e) => (e.reason === "reply" && /NOSCRIPT/.test(e.message) ? load().andThen(run) : err(e)));
}

/** A reply as an integer, if it is one. */
export const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : undefined);

/** A `prefix` option: a non-empty string of at most 128 characters, or the default. */
export function prefixOf(v: unknown, fallback: string): string {
  return typeof v === "string" && v !== "" && v.length <= 128 ? v : fallback;
}
