/**
 * The facts a call's events state, as sets merged by union (a join: commutative, associative,
 * idempotent), so that the order and the repetition of events do not matter.
 *
 * @module
 */
import type { GraphError } from "../errors.js";
import { guard } from "../internal/guard.js";
import type { CallRecordingAvailable, MediaFile, Voicemail } from "../webhook/event-types.js";
import type { WebhookSession } from "../webhook/session.js";
import type { CallEnding, CallStateFields, CallStatusWord } from "./state-types.js";

/** Most values kept per set (conflicting values, other call ids, unknown values). */
export const SET_LIMIT = 8;
/** Most terminate errors kept. */
export const ERROR_LIMIT = 32;

/** A call recording, as its event carries it. */
export type Recording = CallRecordingAvailable["recording"];
/** A voicemail's audio file. */
export type Audio = Voicemail["audio"];
/** Who started the call. */
export type Direction = NonNullable<CallStateFields["direction"]>;
/** A terminate status. */
export type EndStatus = CallEnding["status"];

/** One value kept by its smallest key, with the keys of every value seen. */
export interface Pick<T> {
  readonly value: T;
  readonly key: string;
  readonly keys: readonly string[];
}

export interface EndingFacts {
  readonly statuses: readonly EndStatus[];
  readonly start?: number;
  readonly end?: number;
  readonly duration?: number;
  readonly errors: readonly GraphError[];
}

/** Everything the events of one call stated: each field is a set, merged by union. */
export interface Facts {
  readonly callId: string;
  readonly direction?: Pick<Direction>;
  readonly from?: Pick<string>;
  readonly to?: Pick<string>;
  readonly opaque?: Pick<string>;
  readonly statuses: readonly CallStatusWord[];
  readonly session?: Pick<WebhookSession>;
  readonly first?: number;
  readonly last?: number;
  readonly ending?: EndingFacts;
  readonly recording?: Pick<Recording>;
  readonly transcript?: Pick<MediaFile>;
  readonly voicemail?: Pick<Audio>;
  readonly otherCalls: readonly string[];
  readonly unknown: readonly string[];
  readonly unreadable: boolean;
}

/** The fixed order of status words in a state. */
export const STATUS_ORDER: readonly CallStatusWord[] = ["RINGING", "ACCEPTED", "REJECTED"];
/** Terminate statuses, most severe first: the first one seen in this order is the state's. */
export const END_ORDER: readonly EndStatus[] = ["FAILED", "REJECTED", "COMPLETED", "UNKNOWN"];

/** Sorted, de-duplicated union of two sorted sets, bounded to the `limit` smallest. */
export function union(a: readonly string[], b: readonly string[], limit = SET_LIMIT): string[] {
  return [...new Set([...a, ...b])].sort().slice(0, limit);
}

export function joinPick<T>(a: Pick<T> | undefined, b: Pick<T> | undefined): Pick<T> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const keep = b.key < a.key ? b : a;
  return { value: keep.value, key: keep.key, keys: union(a.keys, b.keys) };
}

/** A value seen once, under its key. */
export const pick = <T>(value: T, key: string): Pick<T> => ({ value, key, keys: [key] });
/** The smaller of two optional numbers. */
export const minOf = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
/** The larger of two optional numbers. */
export const maxOf = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));

/** What makes two terminate errors the same: tag, code and message. */
export function errorKey(e: GraphError): string {
  return guard(
    () => {
      const code: unknown = (e as { code?: unknown }).code;
      return `${String(e._tag)}\u0000${typeof code === "number" ? code : ""}\u0000${String(e.message)}`;
    },
    () => "",
  );
}

/** Union of two error lists, de-duplicated by {@link errorKey}, in key order, bounded. */
export function joinErrors(a: readonly GraphError[], b: readonly GraphError[]): GraphError[] {
  const byKey = new Map<string, GraphError>();
  for (const e of [...a, ...b]) {
    const k = errorKey(e);
    if (!byKey.has(k)) byKey.set(k, e);
  }
  return [...byKey.keys()].sort().slice(0, ERROR_LIMIT).map((k) => byKey.get(k) as GraphError);
}

/** Union of what two sets of terminates said: earliest start, latest end, longest duration. */
export function joinEnding(a: EndingFacts | undefined, b: EndingFacts | undefined): EndingFacts | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const start = minOf(a.start, b.start);
  const end = maxOf(a.end, b.end);
  const duration = maxOf(a.duration, b.duration);
  return {
    statuses: END_ORDER.filter((s) => a.statuses.includes(s) || b.statuses.includes(s)),
    ...(start !== undefined && { start }),
    ...(end !== undefined && { end }),
    ...(duration !== undefined && { duration }),
    errors: joinErrors(a.errors, b.errors),
  };
}

/** The facts of both: the join of the two sets, field by field. */
export function join(a: Facts, b: Facts): Facts {
  const parts = {
    direction: joinPick(a.direction, b.direction),
    from: joinPick(a.from, b.from),
    to: joinPick(a.to, b.to),
    opaque: joinPick(a.opaque, b.opaque),
    session: joinPick(a.session, b.session),
    first: minOf(a.first, b.first),
    last: maxOf(a.last, b.last),
    ending: joinEnding(a.ending, b.ending),
    recording: joinPick(a.recording, b.recording),
    transcript: joinPick(a.transcript, b.transcript),
    voicemail: joinPick(a.voicemail, b.voicemail),
  };
  return {
    callId: a.callId,
    ...defined(parts),
    statuses: STATUS_ORDER.filter((s) => a.statuses.includes(s) || b.statuses.includes(s)),
    otherCalls: union(a.otherCalls, b.otherCalls),
    unknown: union(a.unknown, b.unknown),
    unreadable: a.unreadable || b.unreadable,
  };
}

/** The object without its `undefined` fields (for exact optional properties). */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** A call about which nothing is known yet. */
export const emptyFacts = (callId: string): Facts => ({ callId, statuses: [], otherCalls: [], unknown: [], unreadable: false });

/** The value if it is a string. */
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
/** Epoch milliseconds of a valid Date, or `undefined`. */
export function time(v: unknown): number | undefined {
  if (!(v instanceof Date)) return undefined;
  const t = v.getTime();
  return Number.isFinite(t) ? t : undefined;
}
/** JSON text of a value, or `""` when it cannot be serialized. */
export const json = (v: unknown): string => guard(() => JSON.stringify(v) ?? "", () => "");
