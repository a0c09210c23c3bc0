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
  return redactField(text.slice(0, 512));
}

/** Runs one command with a deadline. Never rejects. */
export function command(redis: RedisCommands, args: readonly string[], store: StoreName, operation: string, timeoutMs: number): ResultAsync<unknown, StoreUnavailable> {
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
          (reply) => finish(ok(reply)),
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
