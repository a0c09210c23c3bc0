/**
 * The webhook dedupe store on Redis: one key per event, claimed with `SET NX PX` while its
 * handler runs and marked handled afterwards, so that one event redelivered to several workers
 * at once runs on exactly one of them.
 *
 * @module
 */
import { err, errAsync, ok, okAsync, ResultAsync, type Result } from "neverthrow";
import { storeUnavailable, type StoreUnavailable } from "../calls/store-error.js";
import { guard } from "../internal/guard.js";
import type { DedupeStore } from "../webhook/dedupe.js";
import { optionOf, positiveOption } from "../webhook/options.js";
import { command, DEFAULT_COMMAND_TIMEOUT_MS, durationArg, prefixOf, script, type RedisCommands } from "./command.js";

/** Options of {@link redisDedupeStore}. */
export interface RedisDedupeOptions {
  /** Prepended to every key. @default "wacall:dedupe:" */
  readonly prefix?: string;
  /** How long a handled event is remembered (Meta redelivers for up to 7 days). @default 604_800_000 (7 days) */
  readonly ttlMs?: number;
  /**
   * How long a claim lasts while its handler runs: a worker that dies mid-way leaves a claim that
   * ends after this, and the event runs again on redelivery. Make it longer than `onEvent` takes.
   * @default 30_000
   */
  readonly leaseMs?: number;
  /** How long a redelivery waits while another worker holds the claim, polling every `pollMs`. @default leaseMs + 1_000 */
  readonly waitMs?: number;
  /** @default 20 */
  readonly pollMs?: number;
  /** The deadline of each Redis command. @default 2_000 */
  readonly commandTimeoutMs?: number;
}

/** What a claim found. */
export type ClaimOutcome = "claimed" | "handled" | "busy";

/**
 * A {@link DedupeStore} on Redis, with the claim steps as `ResultAsync` values too. `isHandled`
 * and `markHandled` reject with a `StoreUnavailable` value (not an exception object) when Redis
 * fails, which is how the webhook handler learns that the store failed.
 */
export interface RedisDedupeStore extends DedupeStore {
  /** `SET key <claim> NX PX leaseMs`: `claimed` (run it), `handled` (skip it) or `busy` (another worker runs it now). */
  claim(key: string): ResultAsync<ClaimOutcome, StoreUnavailable>;
  /** Marks the key handled for `ttlMs`. */
  complete(key: string): ResultAsync<void, StoreUnavailable>;
  /** Drops this store's open claim on the key (its handler failed), so a redelivery runs it at once. */
  release(key: string): ResultAsync<void, StoreUnavailable>;
  /** Waits while the key is `busy`, then claims it: `false` (run it) or `true` (handled). */
  check(key: string): ResultAsync<boolean, StoreUnavailable>;
}

const HANDLED = "h";

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A dedupe store on Redis, shared by every worker that serves the webhook. A new event's key is
 * claimed (`SET NX PX leaseMs`) before `onEvent` runs and set to handled (`SET PX ttlMs`) after
 * it succeeded; a redelivery that finds the claim of another worker waits for it, so the event
 * runs once. Keys are `prefix` + the event key (a SHA-256), each with a time-to-live. Never
 * throws; Redis failures are `StoreUnavailable` values.
 *
 * @example
 * const redis = await createClient({ url, disableOfflineQueue: true }).on("error", log).connect();
 * createWebhookHandler({ appSecret, verifyToken, onEvent, awaitHandlers: true, dedupe: redisDedupeStore(redis) });
 */
export function redisDedupeStore(redis: RedisCommands, options: RedisDedupeOptions = {}): RedisDedupeStore {
  const prefix = prefixOf(optionOf(options, "prefix"), "wacall:dedupe:");
  const ttlMs = durationArg(positiveOption(options, "ttlMs", 604_800_000));
  const leaseMs = durationArg(positiveOption(options, "leaseMs", 30_000));
  // A redelivery waits at most a day (Meta gives up on a webhook long before), polling at least every minute.
  const waitMs = Math.min(positiveOption(options, "waitMs", leaseMs + 1_000), 86_400_000);
  const pollMs = Math.min(Math.max(positiveOption(options, "pollMs", 20), 1), 60_000);
  const timeoutMs = positiveOption(options, "commandTimeoutMs", DEFAULT_COMMAND_TIMEOUT_MS);
  // Each claim has its own token: two deliveries of one event in the same process are two claims.
  const newToken = () => `c:${guard(() => globalThis.crypto.randomUUID(), () => `${Date.now()}-${Math.random()}`)}`;
  /** This store's claims that are still open, for `release` (bounded: the oldest are forgotten). */
  const claims = new Map<string, string>();
  const remember = (key: string, token: string) => {
    claims.set(key, token);
    if (claims.size > 10_000) claims.delete(claims.keys().next().value as string);
  };
  /** The event key as given (a string of 1 to 1024 characters), or `undefined` for anything else. */
  const keyText = (key: unknown): string | undefined => (typeof key === "string" && key !== "" && key.length <= 1024 ? key : undefined);
  const keyOf = (key: string) => `${prefix}${key}`;
  const invalid = (operation: string) => errAsync<never, StoreUnavailable>(storeUnavailable("dedupe", operation, "invalid", "The key is not a string of 1 to 1024 characters"));

  const claim = (given: string): ResultAsync<ClaimOutcome, StoreUnavailable> => {
    const key = keyText(given);
    if (key === undefined) return invalid("claim");
    const token = newToken();
    return command(redis, ["SET", keyOf(key), token, "NX", "PX", String(leaseMs)], "dedupe", "claim", timeoutMs).andThen((set) => {
      if (set === "OK") {
        remember(key, token);
        return ok<ClaimOutcome, StoreUnavailable>("claimed");
      }
      return command(redis, ["GET", keyOf(key)], "dedupe", "claim", timeoutMs).map((v): ClaimOutcome => (v === HANDLED ? "handled" : "busy"));
    });
  };

  const check = (key: string): ResultAsync<boolean, StoreUnavailable> => {
    const run = async (): Promise<Result<boolean, StoreUnavailable>> => {
      const started = Date.now();
      for (let n = 0; n < 100_000; n++) {
        const r = await claim(key);
        if (r.isErr()) return err(r.error);
        if (r.value !== "busy") return ok(r.value === "handled");
        if (Date.now() - started >= waitMs) break;
        await sleep(pollMs);
      }
      // Still claimed by a worker that neither finished nor let go: handle it here (at least once).
      return ok(false);
    };
    return new ResultAsync(run());
  };

  const complete = (given: string): ResultAsync<void, StoreUnavailable> => {
    const key = keyText(given);
    if (key === undefined) return invalid("complete");
    claims.delete(key);
    return command(redis, ["SET", keyOf(key), HANDLED, "PX", String(ttlMs)], "dedupe", "complete", timeoutMs).map(() => undefined);
  };
  const release = (given: string): ResultAsync<void, StoreUnavailable> => {
    const key = keyText(given);
    if (key === undefined) return invalid("release");
    const token = claims.get(key);
    if (token === undefined) return okAsync<void, StoreUnavailable>(undefined);
    claims.delete(key);
    return script(redis, RELEASE, [keyOf(key)], [token], "dedupe", "release", timeoutMs).map(() => undefined);
  };
  const orReject = <T>(r: ResultAsync<T, StoreUnavailable>): Promise<T> => Promise.resolve(r).then((x) => (x.isOk() ? x.value : Promise.reject(x.error)));

  return {
    claim,
    complete,
    release,
    check,
    isHandled: (key) => orReject(check(key)),
    markHandled: (key) => orReject(complete(key)),
  };
}
