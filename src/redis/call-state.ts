/**
 * Call states on Redis: each call's folded state in one hash, updated by compare-and-set (a Lua
 * script) so that events folded at the same time on different workers are all kept.
 *
 * @module
 */
import { err, ok, okAsync, ResultAsync, type Result } from "neverthrow";
import { decodeCallState, encodeCallState } from "../calls/codec.js";
import { foldCall } from "../calls/fold.js";
import type { CallState } from "../calls/state-types.js";
import { callIdOfEvent, type CallStateStore } from "../calls/store.js";
import { storeUnavailable, type StoreUnavailable } from "../calls/store-error.js";
import { optionOf, positiveOption } from "../webhook/options.js";
import { command, DEFAULT_COMMAND_TIMEOUT_MS, durationArg, prefixOf, script, type RedisCommands } from "./command.js";

/** Options of {@link redisCallStateStore}. */
export interface RedisCallStateOptions {
  /** Prepended to every key. @default "wacall:call:" */
  readonly prefix?: string;
  /** How long a call's state is kept after its last event. @default 86_400_000 (24 h) */
  readonly ttlMs?: number;
  /** Compare-and-set attempts of one event under contention. @default 32 */
  readonly maxAttempts?: number;
  /** The deadline of each Redis command. @default 2_000 */
  readonly commandTimeoutMs?: number;
}

/** Writes the new state only if the version is still the one read. */
const CAS = `
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 's', ARGV[2], 'v', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/**
 * A {@link CallStateStore} on Redis: `HGET` the state and its version, fold the event in
 * (`foldCall`: any order, any repetition, same state), write it back with a compare-and-set
 * script, and fold again when another worker wrote first. One hash per call (`prefix` + call
 * id), with a time-to-live. Never throws.
 *
 * @example
 * const states = redisCallStateStore(redis);
 * const onEvent = (e: CallEvent) => states.apply(e).match(() => undefined, (x) => Promise.reject(x));
 */
export function redisCallStateStore(redis: RedisCommands, options: RedisCallStateOptions = {}): CallStateStore {
  const prefix = prefixOf(optionOf(options, "prefix"), "wacall:call:");
  const ttlMs = durationArg(positiveOption(options, "ttlMs", 86_400_000));
  // At least one attempt (0.5 would make every apply fail), at most 1000.
  const maxAttempts = Math.min(Math.max(Math.floor(positiveOption(options, "maxAttempts", 32)), 1), 1_000);
  const timeoutMs = positiveOption(options, "commandTimeoutMs", DEFAULT_COMMAND_TIMEOUT_MS);
  const keyOf = (id: string) => `${prefix}${id.slice(0, 512)}`;

  const read = (id: string, operation: string) =>
    command(redis, ["HMGET", keyOf(id), "s", "v"], "call-state", operation, timeoutMs).map((reply) => {
      const [s, v] = Array.isArray(reply) ? (reply as unknown[]) : [];
      const state = typeof s === "string" ? decodeCallState(s) : undefined;
      return { state, version: typeof v === "string" ? v : "0" };
    });

  return {
    apply(event) {
      const id = callIdOfEvent(event);
      if (id === undefined) return okAsync(undefined);
      const run = async (): Promise<Result<CallState | undefined, StoreUnavailable>> => {
        for (let attempt = 0; attempt < maxAttempts; attempt++) {
          const current = await read(id, "apply");
          if (current.isErr()) return err(current.error);
          const next = foldCall(current.value.state, event);
          if (next === undefined) return ok(undefined);
          const text = encodeCallState(next);
          if (text === undefined) return err(storeUnavailable("call-state", "apply", "reply", "The state could not be written"));
          const version = current.value.version;
          const written = await script(redis, CAS, [keyOf(id)], [version, text, String(Number(version) + 1), String(ttlMs)], "call-state", "apply", timeoutMs);
          if (written.isErr()) return err(written.error);
          if (written.value === 1) return ok(next);
        }
        return err(storeUnavailable("call-state", "apply", "reply", `Still contended after ${maxAttempts} attempts`));
      };
      return new ResultAsync(run());
    },
    get(callId) {
      if (typeof callId !== "string") return okAsync(undefined);
      return read(callId, "get").map((r) => r.state);
    },
  };
}
