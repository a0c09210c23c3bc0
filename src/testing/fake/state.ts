/**
 * What the fake remembers: the number's settings, permissions, calls, and the timestamps the
 * limits count, with the limits themselves (changeable while running).
 *
 * @module
 */
import type { FakeCall, FakeLimits } from "./types.js";

/** One day and one week, in milliseconds. */
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

/** Every limit, resolved to a number. */
export interface ResolvedLimits {
  concurrentCalls: number;
  callsPerUserPerDay: number;
  newCallsPerDay: number;
  permissionRequestsPerDay: number;
  permissionRequestsPerWeek: number;
  permissionLookupsPerSecond: number;
  acceptWindowMs: number;
  unansweredCallsBeforeRevoke: number;
}

/** Meta's documented values where `limits` says nothing. */
export function resolveLimits(limits: FakeLimits | undefined): ResolvedLimits {
  return {
    concurrentCalls: limits?.concurrentCalls ?? 1000,
    callsPerUserPerDay: limits?.callsPerUserPerDay ?? 100,
    newCallsPerDay: limits?.newCallsPerDay ?? 10_000,
    permissionRequestsPerDay: limits?.permissionRequestsPerDay ?? 1,
    permissionRequestsPerWeek: limits?.permissionRequestsPerWeek ?? 2,
    permissionLookupsPerSecond: limits?.permissionLookupsPerSecond ?? 100,
    acceptWindowMs: limits?.acceptWindowMs ?? 60_000,
    unansweredCallsBeforeRevoke: limits?.unansweredCallsBeforeRevoke ?? 4,
  };
}

/** A user's call permission. */
export interface Permission {
  readonly permanent: boolean;
  readonly expiresAt?: number;
}

/** The fake's whole state. */
export interface FakeState {
  readonly limits: ResolvedLimits;
  callingEnabled: boolean;
  sip: boolean;
  settings: Record<string, unknown>;
  readonly permissions: Map<string, Permission>;
  readonly uncallable: Set<string>;
  /** Permission requests sent, per user (times). */
  readonly permissionRequests: Map<string, number[]>;
  /** Connected business-initiated calls, per user (times). */
  readonly connectedCalls: Map<string, number[]>;
  newCalls: number[];
  lookups: number[];
  readonly calls: Map<string, FakeCall>;
  /** The SDP offer and answer of each call, as they travelled (not part of {@link FakeCall}: they hold ICE credentials). */
  readonly sessions: Map<string, { offer?: string; answer?: string }>;
  /** Business-initiated calls in a row that ended unanswered, per user. */
  readonly unanswered: Map<string, number>;
}

/** A fresh state. */
export function createState(o: { readonly limits?: FakeLimits; readonly callingEnabled?: boolean; readonly sip?: boolean }): FakeState {
  const callingEnabled = o.callingEnabled ?? true;
  return {
    limits: resolveLimits(o.limits),
    callingEnabled,
    sip: o.sip ?? false,
    settings: { status: callingEnabled ? "ENABLED" : "DISABLED", call_icon_visibility: "DEFAULT", srtp_key_exchange_protocol: "DTLS" },
    permissions: new Map(),
    uncallable: new Set(),
    permissionRequests: new Map(),
    connectedCalls: new Map(),
    newCalls: [],
    lookups: [],
    calls: new Map(),
    sessions: new Map(),
    unanswered: new Map(),
  };
}

/** The times of `times` within `window` before `now`. */
export function within(times: readonly number[], now: number, window: number): number[] {
  return times.filter((t) => now - t < window);
}

/** Whether `user` may be called now. */
export function hasPermission(state: FakeState, user: string, now: number): boolean {
  const p = state.permissions.get(user);
  return p !== undefined && (p.permanent || (p.expiresAt ?? 0) > now);
}

/** Grants a permission: permanent, or temporary until `expiresAt` (7 days from `now` by default). */
export function grant(state: FakeState, user: string, now: number, o: { readonly permanent?: boolean; readonly expiresAt?: number } = {}): void {
  state.permissions.set(user, o.permanent === true ? { permanent: true } : { permanent: false, expiresAt: o.expiresAt ?? now + WEEK });
}
