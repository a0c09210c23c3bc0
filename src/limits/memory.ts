/**
 * The limit governor of one process: the same counting as the Redis governor, in memory.
 *
 * @module
 */
import { errAsync, okAsync } from "neverthrow";
import { guard } from "../internal/guard.js";
import { clockOf, DAY_MS, limitsOf, observedOf, requestOf, WEEK_MS } from "./config.js";
import type { CallLimits, LimitGovernor, LimitRefused, LimitUsage, Reservation } from "./types.js";

/** Options of {@link memoryLimitGovernor}. */
export interface MemoryLimitOptions {
  /** Limits that differ from Meta's documented ones (each optional). */
  readonly limits?: Partial<CallLimits>;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
}

/** Times within the window ending now, oldest first (the map keeps insertion order). */
function prune(log: Map<string, number>, from: number): void {
  for (const [id, at] of log) {
    if (at > from) break;
    log.delete(id);
  }
}

const first = (log: Map<string, number>): number | undefined => log.values().next().value;

/**
 * A {@link LimitGovernor} for one process (one business phone number). Use `redisLimitGovernor`
 * from `wacall/redis` when several workers place calls from the same number. Memory is bounded
 * by what the limits let through.
 *
 * @example
 * const governor = memoryLimitGovernor({ limits: { concurrentCalls: 50 } });
 * const client = governed(createCallingClient(options), governor);
 */
export function memoryLimitGovernor(options: MemoryLimitOptions = {}): LimitGovernor {
  const limits = limitsOf(options);
  const now = clockOf(options);
  /** Concurrency slots: member (reservation id or call id) → expiry. */
  const active = new Map<string, number>();
  const newCalls = new Map<string, number>();
  const userCalls = new Map<string, Map<string, number>>();
  const asks = new Map<string, Map<string, number>>();
  /** Reservations whose outcome is unknown, by the correlation value their webhooks will carry. */
  const held = new Map<string, { id: string; until: number }>();
  let serial = 0;
  let operations = 0;

  const liveActive = (t: number) => {
    for (const [m, until] of active) if (until <= t) active.delete(m);
    return active.size;
  };
  const logOf = (maps: Map<string, Map<string, number>>, user: string, window: number, t: number) => {
    const log = maps.get(user);
    if (log === undefined) return undefined;
    prune(log, t - window);
    if (log.size === 0) maps.delete(user);
    return log.size === 0 ? undefined : log;
  };
  const sweep = (t: number) => {
    if (++operations % 1024 !== 0) return;
    for (const user of [...userCalls.keys()]) logOf(userCalls, user, DAY_MS, t);
    for (const user of [...asks.keys()]) logOf(asks, user, WEEK_MS, t);
    for (const [k, h] of held) if (h.until <= t) held.delete(k);
  };
  const refuse = (limit: LimitRefused["limit"], max: number, used: number, retryAt?: number) =>
    errAsync<Reservation, LimitRefused>({ _tag: "LimitRefused", limit, max, used, ...(retryAt !== undefined && { retryAt: new Date(retryAt) }) });

  return {
    limits,
    reserve(input) {
      const request = requestOf(input);
      if (request === undefined) return errAsync({ _tag: "StoreUnavailable", category: "transport", store: "limits", operation: "reserve", reason: "reply", message: "Not a limit request", retryable: true, advice: { kind: "backoff" } });
      const t = now();
      sweep(t);
      const id = `m${++serial}.${t}`;
      if (request.kind === "answer") {
        if (!active.has(request.callId) && liveActive(t) >= limits.concurrentCalls) return refuse("concurrent-calls", limits.concurrentCalls, active.size);
        active.set(request.callId, t + limits.callTimeoutMs);
        return okAsync({ id: request.callId, request });
      }
      if (request.kind === "permission-request") {
        const log = logOf(asks, request.user, WEEK_MS, t);
        const day = log === undefined ? [] : [...log.values()].filter((at) => at > t - DAY_MS);
        if (day.length >= limits.permissionRequestsPerDay) return refuse("permission-requests-per-day", limits.permissionRequestsPerDay, day.length, (day[0] ?? t) + DAY_MS);
        if ((log?.size ?? 0) >= limits.permissionRequestsPerWeek) return refuse("permission-requests-per-week", limits.permissionRequestsPerWeek, log?.size ?? 0, (first(log ?? new Map()) ?? t) + WEEK_MS);
        const into = log ?? new Map<string, number>();
        into.set(id, t);
        asks.set(request.user, into);
        return okAsync({ id, request });
      }
      if (liveActive(t) >= limits.concurrentCalls) return refuse("concurrent-calls", limits.concurrentCalls, active.size);
      const log = logOf(userCalls, request.user, DAY_MS, t);
      if ((log?.size ?? 0) >= limits.callsPerUserPerDay) return refuse("calls-per-user-per-day", limits.callsPerUserPerDay, log?.size ?? 0, (first(log ?? new Map()) ?? t) + DAY_MS);
      prune(newCalls, t - DAY_MS);
      if (newCalls.size >= limits.newCallsPerDay) return refuse("new-calls-per-day", limits.newCallsPerDay, newCalls.size, (first(newCalls) ?? t) + DAY_MS);
      active.set(id, t + limits.connectHoldMs);
      newCalls.set(id, t);
      const into = log ?? new Map<string, number>();
      into.set(id, t);
      userCalls.set(request.user, into);
      return okAsync({ id, request });
    },
    settle(reservation, outcome) {
      // Read once, inside the guard: a hostile reservation or outcome settles nothing.
      const read = guard(() => {
        const r = typeof reservation === "object" && reservation !== null ? reservation : undefined;
        const o = typeof outcome === "object" && outcome !== null ? outcome : undefined;
        return { request: requestOf(r?.request), id: typeof r?.id === "string" ? r.id : undefined, tag: o?._tag, callId: (o as { callId?: unknown } | undefined)?.callId, opaque: (o as { bizOpaqueCallbackData?: unknown } | undefined)?.bizOpaqueCallbackData };
      }, () => undefined);
      const request = read?.request;
      const id = read?.id;
      const tag = read?.tag;
      if (read === undefined || request === undefined || id === undefined) return okAsync(undefined);
      const t = now();
      if (tag === "NotSent") {
        active.delete(id);
        if (request.kind === "connect") {
          newCalls.delete(id);
          userCalls.get(request.user)?.delete(id);
        }
        if (request.kind === "permission-request") asks.get(request.user)?.delete(id);
      } else if (tag === "Placed" && request.kind !== "permission-request") {
        // The slot of a granted reservation becomes the call's; a reservation it never granted
        // (or one that lapsed) takes a slot only while there is room, so `active` stays bounded.
        const callId = read.callId;
        const granted = active.delete(id);
        if (typeof callId === "string" && (granted || liveActive(t) < limits.concurrentCalls)) active.set(callId.slice(0, 512), t + limits.callTimeoutMs);
      } else if (tag === "Unknown" && request.kind === "connect" && (active.has(id) || liveActive(t) < limits.concurrentCalls)) {
        active.set(id, t + limits.callTimeoutMs);
        const opaque = read.opaque;
        if (typeof opaque === "string") {
          held.set(opaque.slice(0, 512), { id, until: t + limits.callTimeoutMs });
          // One reservation settled again and again with new values: the oldest are forgotten.
          while (held.size > Math.min(limits.concurrentCalls, 100_000)) {
            const oldest = held.keys().next();
            if (oldest.done === true) break;
            held.delete(oldest.value);
          }
        }
      }
      return okAsync(undefined);
    },
    release(callId) {
      if (typeof callId === "string") active.delete(callId);
      return okAsync(undefined);
    },
    observe(event) {
      const o = observedOf(event);
      if (o === undefined) return okAsync(undefined);
      const t = now();
      const h = o.opaque === undefined ? undefined : held.get(o.opaque);
      if (h !== undefined && o.opaque !== undefined) {
        held.delete(o.opaque);
        if (active.delete(h.id) && !o.terminate && o.callId !== undefined) active.set(o.callId, t + limits.callTimeoutMs);
      }
      if (o.terminate && o.callId !== undefined) active.delete(o.callId);
      if (o.acceptedUser !== undefined) asks.delete(o.acceptedUser);
      return okAsync(undefined);
    },
    usage(user) {
      const t = now();
      prune(newCalls, t - DAY_MS);
      const u = typeof user === "string" ? user : undefined;
      const calls = u === undefined ? undefined : logOf(userCalls, u, DAY_MS, t);
      const week = u === undefined ? undefined : logOf(asks, u, WEEK_MS, t);
      const usage: LimitUsage = {
        concurrentCalls: liveActive(t),
        newCallsPerDay: newCalls.size,
        callsPerUserPerDay: calls?.size ?? 0,
        permissionRequestsPerDay: week === undefined ? 0 : [...week.values()].filter((at) => at > t - DAY_MS).length,
        permissionRequestsPerWeek: week?.size ?? 0,
      };
      return okAsync(usage);
    },
  };
}
