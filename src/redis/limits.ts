/**
 * The limit governor on Redis: sorted sets per business number (calls up, new calls, calls and
 * permission requests per user), each check-and-take one Lua script, so every worker counts
 * against the same numbers and two never take the last slot.
 *
 * @module
 */
import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { storeUnavailable, type StoreUnavailable } from "../calls/store-error.js";
import { guard } from "../internal/guard.js";
import { clockOf, DAY_MS, limitsOf, observedOf, requestOf, WEEK_MS } from "../limits/config.js";
import type { CallLimits, LimitGovernor, LimitName, LimitRefused, LimitUsage, Reservation } from "../limits/types.js";
import { optionOf, positiveOption } from "../webhook/options.js";
import { command, DEFAULT_COMMAND_TIMEOUT_MS, int, prefixOf, script, type RedisCommands } from "./command.js";

/** Options of {@link redisLimitGovernor}. */
export interface RedisLimitOptions {
  /** The business phone number the limits are counted for. Required. */
  readonly phoneNumberId: string;
  /** Limits that differ from Meta's documented ones (each optional). */
  readonly limits?: Partial<CallLimits>;
  /** Prepended to every key. @default "wacall:limits:" */
  readonly prefix?: string;
  /** Epoch milliseconds; every worker's clock should agree (NTP). @default Date.now */
  readonly clock?: () => number;
  /** The deadline of each Redis command. @default 2_000 */
  readonly commandTimeoutMs?: number;
}

// Each script answers {code, used, retryAt}: code 0 granted, otherwise the limit that refused.
const RESERVE_CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local active = redis.call('ZCARD', KEYS[1])
if active >= tonumber(ARGV[3]) then return {1, active, -1} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[7])
local user = redis.call('ZCARD', KEYS[3])
if user >= tonumber(ARGV[5]) then
  local f = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  return {3, user, tonumber(f[2]) + tonumber(ARGV[8])}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[7])
local n = redis.call('ZCARD', KEYS[2])
if n >= tonumber(ARGV[4]) then
  local f = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, n, tonumber(f[2]) + tonumber(ARGV[8])}
end
redis.call('ZADD', KEYS[1], ARGV[6], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
redis.call('PEXPIRE', KEYS[3], ARGV[8])
return {0, 0, 0}`;

const RESERVE_ANSWER = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  local n = redis.call('ZCARD', KEYS[1])
  if n >= tonumber(ARGV[3]) then return {1, n, -1} end
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {0, 0, 0}`;

const RESERVE_ASK = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[6])
local day = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[5], '+inf', 'WITHSCORES')
if #day / 2 >= tonumber(ARGV[3]) then return {4, #day / 2, tonumber(day[2]) + tonumber(ARGV[7])} end
local total = redis.call('ZCARD', KEYS[1])
if total >= tonumber(ARGV[4]) then
  local f = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {5, total, tonumber(f[2]) + tonumber(ARGV[8])}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
return {0, 0, 0}`;

const NOT_SENT = `for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end return 1`;

// ARGV: id, callId, until, ttl, max, now. A reservation never granted (or lapsed) takes a slot only while there is room.
const PLACED = `
local granted = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[6])
if granted == 0 and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

// ARGV: id, until, ttl, hasOpaque, max, now
const UNKNOWN = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[6])
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then return 0 end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[4] == '1' then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3]) end
return 1`;

// ARGV: terminate, callId, until, ttl, hasOpaque, resetAsks
const OBSERVE = `
if ARGV[5] == '1' then
  local held = redis.call('GET', KEYS[2])
  if held then
    redis.call('DEL', KEYS[2])
    if redis.call('ZREM', KEYS[1], held) == 1 and ARGV[1] ~= '1' and ARGV[2] ~= '' then
      redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
      redis.call('PEXPIRE', KEYS[1], ARGV[4])
    end
  end
end
if ARGV[1] == '1' and ARGV[2] ~= '' then redis.call('ZREM', KEYS[1], ARGV[2]) end
if ARGV[6] == '1' then redis.call('DEL', KEYS[3]) end
return 1`;

// ARGV: now, dayStart, weekStart
const USAGE = `
return {
  redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf'),
  redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[2], '+inf'),
  redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[2], '+inf'),
  redis.call('ZCOUNT', KEYS[4], '(' .. ARGV[2], '+inf'),
  redis.call('ZCOUNT', KEYS[4], '(' .. ARGV[3], '+inf')}`;

const refusedBy: Record<number, LimitName> = {
  1: "concurrent-calls",
  2: "new-calls-per-day",
  3: "calls-per-user-per-day",
  4: "permission-requests-per-day",
  5: "permission-requests-per-week",
};

/**
 * A {@link LimitGovernor} on Redis for one business phone number, shared by every worker. Keys
 * (under `prefix` and the number, in one Redis Cluster hash slot): `active` (a sorted set of
 * the calls up, scored by when their slot lapses), `new` (new calls of the last 24 h), and per
 * user `calls` (24 h) and `asks` (7 days), each with a time-to-live of its window. Never throws;
 * Redis failures are `StoreUnavailable` values.
 *
 * @example
 * const governor = redisLimitGovernor(redis, { phoneNumberId, limits: { callsPerUserPerDay: 100 } });
 * const client = governed(createCallingClient({ accessToken, phoneNumberId }), governor);
 */
export function redisLimitGovernor(redis: RedisCommands, options: RedisLimitOptions): LimitGovernor {
  const limits = limitsOf(options);
  const now = clockOf(options);
  const number = guard(() => {
    const n = optionOf(options, "phoneNumberId");
    return typeof n === "string" && n !== "" ? n.slice(0, 128) : "default";
  }, () => "default");
  const base = `${prefixOf(optionOf(options, "prefix"), "wacall:limits:")}{${number}}`;
  const timeoutMs = positiveOption(options, "commandTimeoutMs", DEFAULT_COMMAND_TIMEOUT_MS);
  const keys = {
    active: `${base}:active`,
    newCalls: `${base}:new`,
    calls: (user: string) => `${base}:calls:${user}`,
    asks: (user: string) => `${base}:asks:${user}`,
    held: (opaque: string) => `${base}:held:${opaque}`,
  };
  const run = (source: string, k: readonly string[], a: readonly (string | number)[], operation: string) => script(redis, source, k, a, "limits", operation, timeoutMs);
  const newId = () => guard(() => globalThis.crypto.randomUUID(), () => `${Date.now()}-${Math.random()}`);

  /** A script's {code, used, retryAt} as a reservation or a refusal. */
  const decided = (reply: unknown, reservation: Reservation, max: (name: LimitName) => number): ResultAsync<Reservation, LimitRefused | StoreUnavailable> => {
    const [code, used, at] = Array.isArray(reply) ? (reply as unknown[]).map(int) : [];
    if (code === 0) return okAsync(reservation);
    const limit = code === undefined ? undefined : refusedBy[code];
    if (limit === undefined) return errAsync(storeUnavailable("limits", "reserve", "reply", "The reservation script gave an unreadable reply"));
    return errAsync({ _tag: "LimitRefused", limit, max: max(limit), used: used ?? 0, ...(at !== undefined && at > 0 && { retryAt: new Date(at) }) });
  };
  const maxOf = (name: LimitName): number =>
    ({
      "concurrent-calls": limits.concurrentCalls,
      "new-calls-per-day": limits.newCallsPerDay,
      "calls-per-user-per-day": limits.callsPerUserPerDay,
      "permission-requests-per-day": limits.permissionRequestsPerDay,
      "permission-requests-per-week": limits.permissionRequestsPerWeek,
    })[name];

  return {
    limits,
    reserve(input) {
      const request = requestOf(input);
      if (request === undefined) return errAsync(storeUnavailable("limits", "reserve", "reply", "Not a limit request"));
      const t = now();
      if (request.kind === "answer") {
        const r: Reservation = { id: request.callId, request };
        return run(RESERVE_ANSWER, [keys.active], [t, request.callId, limits.concurrentCalls, t + limits.callTimeoutMs, limits.callTimeoutMs], "reserve").andThen((x) => decided(x, r, maxOf));
      }
      const id = newId();
      const r: Reservation = { id, request };
      if (request.kind === "permission-request") {
        return run(RESERVE_ASK, [keys.asks(request.user)], [t, id, limits.permissionRequestsPerDay, limits.permissionRequestsPerWeek, t - DAY_MS, t - WEEK_MS, DAY_MS, WEEK_MS], "reserve").andThen((x) => decided(x, r, maxOf));
      }
      return run(
        RESERVE_CONNECT,
        [keys.active, keys.newCalls, keys.calls(request.user)],
        [t, id, limits.concurrentCalls, limits.newCallsPerDay, limits.callsPerUserPerDay, t + limits.connectHoldMs, t - DAY_MS, DAY_MS, Math.max(limits.callTimeoutMs, limits.connectHoldMs)],
        "reserve",
      ).andThen((x) => decided(x, r, maxOf));
    },
    settle(reservation, outcome) {
      const r = guard(() => (typeof reservation === "object" && reservation !== null ? { id: reservation.id, request: requestOf(reservation.request) } : undefined), () => undefined);
      const o = guard(() => (typeof outcome === "object" && outcome !== null ? { tag: outcome._tag as unknown, callId: (outcome as { callId?: unknown }).callId, opaque: (outcome as { bizOpaqueCallbackData?: unknown }).bizOpaqueCallbackData } : undefined), () => undefined);
      if (r === undefined || r.request === undefined || typeof r.id !== "string" || o === undefined) return okAsync(undefined);
      const { id, request } = r;
      const t = now();
      if (o.tag === "NotSent") {
        const k = request.kind === "connect" ? [keys.active, keys.newCalls, keys.calls(request.user)] : request.kind === "permission-request" ? [keys.asks(request.user)] : [keys.active];
        return run(NOT_SENT, k, [id], "settle").map(() => undefined);
      }
      if (o.tag === "Placed" && request.kind !== "permission-request" && typeof o.callId === "string") {
        return run(PLACED, [keys.active], [id, o.callId.slice(0, 512), t + limits.callTimeoutMs, limits.callTimeoutMs, limits.concurrentCalls, t], "settle").map(() => undefined);
      }
      if (o.tag === "Unknown" && request.kind === "connect") {
        const opaque = typeof o.opaque === "string" ? o.opaque.slice(0, 512) : undefined;
        return run(UNKNOWN, [keys.active, keys.held(opaque ?? "")], [id, t + limits.callTimeoutMs, limits.callTimeoutMs, opaque === undefined ? "0" : "1", limits.concurrentCalls, t], "settle").map(() => undefined);
      }
      return okAsync(undefined);
    },
    release(callId) {
      if (typeof callId !== "string") return okAsync(undefined);
      return command(redis, ["ZREM", keys.active, callId.slice(0, 512)], "limits", "release", timeoutMs).map(() => undefined);
    },
    observe(event) {
      const o = observedOf(event);
      if (o === undefined || (!o.terminate && o.opaque === undefined && o.acceptedUser === undefined)) return okAsync(undefined);
      const t = now();
      return run(
        OBSERVE,
        [keys.active, keys.held(o.opaque ?? ""), keys.asks(o.acceptedUser ?? "")],
        [o.terminate ? "1" : "0", o.callId ?? "", t + limits.callTimeoutMs, limits.callTimeoutMs, o.opaque === undefined ? "0" : "1", o.acceptedUser === undefined ? "0" : "1"],
        "observe",
      ).map(() => undefined);
    },
    usage(user) {
      const u = typeof user === "string" ? user.slice(0, 256) : "";
      const t = now();
      return run(USAGE, [keys.active, keys.newCalls, keys.calls(u), keys.asks(u)], [t, t - DAY_MS, t - WEEK_MS], "usage").map((reply): LimitUsage => {
        const [active, fresh, calls, day, week] = Array.isArray(reply) ? (reply as unknown[]).map((x) => int(x) ?? 0) : [];
        return { concurrentCalls: active ?? 0, newCallsPerDay: fresh ?? 0, callsPerUserPerDay: u === "" ? 0 : (calls ?? 0), permissionRequestsPerDay: u === "" ? 0 : (day ?? 0), permissionRequestsPerWeek: u === "" ? 0 : (week ?? 0) };
      });
    },
  };
}
