/**
 * Reading a governor's options: limits (each a positive number, or the documented default) and
 * the clock. Shared by the in-memory and the Redis governors.
 *
 * @module
 */
import { guard, safeNow } from "../internal/guard.js";
import { optionOf } from "../webhook/options.js";
import { defaultCallLimits, type CallLimits, type LimitRequest } from "./types.js";

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** The limits of `options.limits`, each a positive finite number or the documented default. */
export function limitsOf(options: unknown): CallLimits {
  const given = optionOf(options, "limits");
  const out: Record<string, number> = {};
  for (const [k, fallback] of Object.entries(defaultCallLimits) as [keyof CallLimits, number][]) {
    const v = optionOf(given, k);
    // Integers (Redis takes no fraction in PEXPIRE), at most 1e13 (no exponent in their text).
    out[k] = typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.min(k.endsWith("Ms") ? Math.ceil(v) : Math.floor(v), 1e13) : fallback;
  }
  return Object.freeze(out) as unknown as CallLimits;
}

/** The clock of `options.clock`, read safely. */
export function clockOf(options: unknown): () => number {
  const c = optionOf(options, "clock");
  const clock = typeof c === "function" ? (c as () => number) : undefined;
  return () => safeNow(clock);
}

/** A request, copied field by field (strings only), or `undefined` when it is not one. */
export function requestOf(request: unknown): LimitRequest | undefined {
  return guard(() => {
    const r = request as Record<string, unknown>;
    if (typeof r !== "object" || r === null) return undefined;
    const kind = r["kind"];
    const user = r["user"];
    const callId = r["callId"];
    if ((kind === "connect" || kind === "permission-request") && typeof user === "string" && user !== "") return { kind, user: user.slice(0, 256) };
    if (kind === "answer" && typeof callId === "string" && callId !== "") return { kind, callId: callId.slice(0, 512) };
    return undefined;
  }, () => undefined);
}

/** What the governor learns from an event, read once. */
export interface Observed {
  readonly terminate: boolean;
  readonly callId?: string;
  readonly opaque?: string;
  /** The user whose permission-request counters an `ACCEPTED` status resets. */
  readonly acceptedUser?: string;
}

export function observedOf(event: unknown): Observed | undefined {
  return guard(() => {
    const e = event as Partial<Record<string, unknown>>;
    if (typeof e !== "object" || e === null) return undefined;
    const tag = e["_tag"];
    if (tag !== "CallTerminate" && tag !== "CallStatus" && tag !== "CallConnect" && tag !== "SipCallCreated") return undefined;
    const callId = typeof e["callId"] === "string" ? e["callId"].slice(0, 512) : undefined;
    const opaque = typeof e["bizOpaqueCallbackData"] === "string" ? e["bizOpaqueCallbackData"].slice(0, 512) : undefined;
    const accepted = tag === "CallStatus" && e["status"] === "ACCEPTED" && typeof e["recipientId"] === "string" ? e["recipientId"].slice(0, 256) : undefined;
    return { terminate: tag === "CallTerminate", ...(callId !== undefined && { callId }), ...(opaque !== undefined && { opaque }), ...(accepted !== undefined && { acceptedUser: accepted }) };
  }, () => undefined);
}

