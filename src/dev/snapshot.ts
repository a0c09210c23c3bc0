/**
 * The state the console's page shows: users with their permission and counters, calls, the
 * number's settings, the limits and what is scripted to fail. Never holds a secret or an SDP.
 *
 * @module
 */
import type { FakeCore } from "../testing/fake/core.js";
import { DAY, WEEK, hasPermission, within, type ResolvedLimits } from "../testing/fake/state.js";

/** One fake WhatsApp user, as the phone side shows them. */
export interface UserView {
  readonly waId: string;
  readonly permission: "no_permission" | "temporary" | "permanent";
  readonly expiresAt?: number;
  /** A permission request was sent and not answered from the console yet. */
  readonly requestPending: boolean;
  readonly uncallable: boolean;
  readonly permissionRequests24h: number;
  readonly permissionRequests7d: number;
  readonly connectedCalls24h: number;
  readonly unansweredInARow: number;
}

/** One call, without its SDP. */
export interface CallView {
  readonly id: string;
  readonly user: string;
  readonly direction: string;
  readonly state: string;
  readonly createdAt: number;
  readonly hasOffer: boolean;
  readonly hasAnswer: boolean;
}

/** Everything the page shows but the timeline. */
export interface Snapshot {
  readonly users: readonly UserView[];
  readonly calls: readonly CallView[];
  readonly settings: Readonly<Record<string, unknown>>;
  readonly callingEnabled: boolean;
  readonly sip: boolean;
  readonly limits: ResolvedLimits;
  readonly counters: { readonly activeCalls: number; readonly newCalls24h: number; readonly lookupsLastSecond: number };
  readonly faults: readonly { readonly kind: string; readonly code?: number; readonly operation?: string; readonly remaining: number }[];
}

/** The current snapshot; `users` are the ones the console knows besides those in the state. */
export function snapshotOf(core: FakeCore, users: ReadonlySet<string>, pending: ReadonlySet<string>, now: number): Snapshot {
  const s = core.state;
  const all = new Set<string>(users);
  for (const u of s.permissions.keys()) all.add(u);
  for (const u of s.permissionRequests.keys()) all.add(u);
  for (const c of s.calls.values()) all.add(c.user);
  const userViews = [...all].slice(0, 200).map((waId): UserView => {
    const p = s.permissions.get(waId);
    const granted = hasPermission(s, waId, now);
    const requests = s.permissionRequests.get(waId) ?? [];
    return {
      waId,
      permission: !granted ? "no_permission" : p?.permanent === true ? "permanent" : "temporary",
      ...(granted && p?.expiresAt !== undefined && { expiresAt: p.expiresAt }),
      requestPending: pending.has(waId),
      uncallable: s.uncallable.has(waId),
      permissionRequests24h: within(requests, now, DAY).length,
      permissionRequests7d: within(requests, now, WEEK).length,
      connectedCalls24h: within(s.connectedCalls.get(waId) ?? [], now, DAY).length,
      unansweredInARow: s.unanswered.get(waId) ?? 0,
    };
  });
  return {
    users: userViews,
    calls: [...s.calls.values()].slice(0, 200).map((c) => {
      const session = s.sessions.get(c.id);
      return { id: c.id, user: c.user, direction: c.direction, state: c.state, createdAt: c.createdAt, hasOffer: session?.offer !== undefined, hasAnswer: session?.answer !== undefined };
    }),
    settings: s.settings,
    callingEnabled: s.callingEnabled,
    sip: s.sip,
    limits: { ...s.limits },
    counters: { activeCalls: s.calls.size, newCalls24h: within(s.newCalls, now, DAY).length, lookupsLastSecond: within(s.lookups, now, 1000).length },
    faults: core.faults.pending().map((f) => ({
      kind: f.fault.kind,
      ...(f.fault.kind === "error" && { code: f.fault.code }),
      ...(f.operation !== undefined && { operation: f.operation }),
      remaining: f.remaining,
    })),
  };
}
