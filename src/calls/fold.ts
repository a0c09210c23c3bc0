/**
 * Folding a call's webhook events into a {@link CallState}. The fold is a join: the state holds
 * the set of facts the events stated, and the `_tag` is read off those facts. So the same events
 * in any order, with any duplicates, give the same state, and a contradiction is an anomaly, not
 * a throw.
 *
 * @module
 */
import type { GraphError } from "../errors.js";
import { guard } from "../internal/guard.js";
import type { CallEvent, MediaFile } from "../webhook/event-types.js";
import type { WebhookSession } from "../webhook/session.js";
import { defined, emptyFacts, ERROR_LIMIT, join, joinErrors, json, pick, str, time, type EndStatus, type Facts, type Pick, type Recording } from "./facts.js";
import type { CallAnomaly, CallEnding, CallState, CallStateFields, ConflictingField } from "./state-types.js";

/** A media file copied field by field (strings only), or `undefined`. */
function mediaOf(v: unknown): MediaFile | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const m = v as Record<string, unknown>;
  const mediaId = str(m["mediaId"]);
  if (mediaId === undefined) return undefined;
  const sha256 = str(m["sha256"]);
  const mimeType = str(m["mimeType"]);
  const url = str(m["url"]);
  return { mediaId, ...(sha256 !== undefined && { sha256 }), ...(mimeType !== undefined && { mimeType }), ...(url !== undefined && { url }) };
}

function recordingOf(v: unknown): Recording | undefined {
  const m = mediaOf(v);
  if (m === undefined) return undefined;
  const r = v as Record<string, unknown>;
  const rawType = str(r["rawType"]);
  return { ...m, type: r["type"] === "audio" ? "audio" : "UNKNOWN", ...(rawType !== undefined && { rawType }) };
}

function sessionOf(v: unknown): WebhookSession | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const s = v as Partial<WebhookSession>;
  if ((s.sdpType !== "offer" && s.sdpType !== "answer") || typeof s.sdp !== "string" || typeof s.toJSON !== "function") return undefined;
  return s as WebhookSession;
}

/** A terminate's errors: objects with a string `_tag` that serialize, at most 32 of them. */
function errorsOf(v: unknown): GraphError[] {
  if (!Array.isArray(v)) return [];
  const out: GraphError[] = [];
  for (let i = 0; i < v.length && out.length < ERROR_LIMIT; i++) {
    const e: unknown = v[i];
    if (typeof e === "object" && e !== null && typeof (e as { _tag?: unknown })._tag === "string" && json(e) !== "") out.push(e as GraphError);
  }
  return out;
}

/** The facts one event states about the call `callId` (read once, each field checked). */
function factsOfEvent(callId: string, e: Record<string, unknown>): Facts {
  const tag = e["_tag"];
  let f = emptyFacts(callId);
  const add = (g: Partial<Facts>) => {
    f = join(f, { ...emptyFacts(callId), ...g });
  };
  const at = time(e["timestamp"]);
  if (at !== undefined) add({ first: at, last: at });
  const direction = e["direction"];
  if (direction === "USER_INITIATED" || direction === "BUSINESS_INITIATED") add({ direction: pick(direction, direction) });
  else if (direction === "UNKNOWN") add({ direction: pick("UNKNOWN", "UNKNOWN"), unknown: [`direction ${String(str(e["rawDirection"]) ?? "").slice(0, 200)}`] });
  for (const [field, key] of [["from", "from"], ["to", "to"], ["opaque", "bizOpaqueCallbackData"]] as const) {
    const v = str(e[key]);
    if (v !== undefined) add({ [field]: pick(v, v) });
  }
  switch (tag) {
    case "CallStatus": {
      const s = e["status"];
      if (s === "RINGING" || s === "ACCEPTED" || s === "REJECTED") add({ statuses: [s] });
      else add({ unknown: [`status ${String(str(e["rawStatus"]) ?? "").slice(0, 200)}`] });
      const to = str(e["recipientId"]);
      if (to !== undefined) add({ to: pick(to, to) });
      break;
    }
    case "CallConnect": {
      const s = sessionOf(e["session"]);
      if (s !== undefined) add({ session: pick(s, `${s.sdpType}\u0000${s.sdp}`) });
      break;
    }
    case "CallTerminate": {
      const s = e["status"];
      const status: EndStatus = s === "COMPLETED" || s === "FAILED" || s === "REJECTED" ? s : "UNKNOWN";
      if (status === "UNKNOWN") add({ unknown: [`terminate ${String(str(e["rawStatus"]) ?? "").slice(0, 200)}`] });
      const start = time(e["startTime"]);
      const end = time(e["endTime"]);
      const d = e["durationSeconds"];
      const duration = typeof d === "number" && Number.isFinite(d) && d >= 0 ? d : undefined;
      add({
        ending: {
          statuses: [status],
          ...(start !== undefined && { start }),
          ...(end !== undefined && { end }),
          ...(duration !== undefined && { duration }),
          errors: joinErrors([], errorsOf(e["errors"])),
        },
      });
      break;
    }
    case "CallRecordingAvailable": {
      const r = recordingOf(e["recording"]);
      if (r !== undefined) add({ recording: pick(r, `${r.mediaId}\u0000${json(r)}`) });
      break;
    }
    case "CallTranscriptionAvailable": {
      const t = mediaOf(e["transcript"]);
      if (t !== undefined) add({ transcript: pick(t, `${t.mediaId}\u0000${json(t)}`) });
      break;
    }
    case "Voicemail": {
      const a = mediaOf(e["audio"]);
      if (a !== undefined) add({ voicemail: pick(a, `${a.mediaId}\u0000${json(a)}`) });
      break;
    }
    case "UnknownCallEvent":
      add({ unknown: [`event ${String(str(e["event"]) ?? "").slice(0, 200)}`] });
      break;
    default:
      break;
  }
  return f;
}

/** The facts a state holds (the inverse of {@link render}). */
function factsOfState(s: CallState): Facts {
  const conflicts = new Map<ConflictingField, readonly string[]>();
  let otherCalls: readonly string[] = [];
  let unknown: readonly string[] = [];
  let endStatuses: readonly EndStatus[] | undefined;
  let unreadable = false;
  for (const a of s.anomalies) {
    if (a._tag === "ConflictingValues") conflicts.set(a.field, a.values);
    else if (a._tag === "OtherCall") otherCalls = a.callIds;
    else if (a._tag === "UnknownValues") unknown = a.values;
    else if (a._tag === "ConflictingTerminates") endStatuses = a.statuses;
    else if (a._tag === "UnreadableEvent") unreadable = true;
  }
  const keep = <T>(field: ConflictingField, value: T | undefined, key: (v: T) => string): Pick<T> | undefined => {
    if (value === undefined) return undefined;
    const k = key(value);
    return { value, key: k, keys: conflicts.get(field) ?? [k] };
  };
  const media = (m: MediaFile) => `${m.mediaId}\u0000${json(m)}`;
  const first = time(s.firstEventAt);
  const last = time(s.lastEventAt);
  const e = s.ending;
  const parts = {
    direction: keep("direction", s.direction, (v) => v),
    from: keep("from", s.from, (v) => v),
    to: keep("to", s.to, (v) => v),
    opaque: keep("bizOpaqueCallbackData", s.bizOpaqueCallbackData, (v) => v),
    session: s.session === undefined ? undefined : pick(s.session, `${s.session.sdpType}\u0000${s.session.sdp}`),
    first,
    last,
    ending:
      e === undefined
        ? undefined
        : {
            statuses: endStatuses ?? [e.status],
            ...defined({ start: time(e.startTime), end: time(e.endTime), duration: e.durationSeconds }),
            errors: e.errors,
          },
    recording: keep("recording", s.recording, media),
    transcript: keep("transcript", s.transcript, media),
    voicemail: keep("voicemail", s.voicemail, media),
  };
  return { callId: s.callId, ...defined(parts), statuses: s.statuses, otherCalls, unknown, unreadable };
}

/** The state the facts describe: its `_tag`, its fields, and its anomalies in a fixed order. */
function render(f: Facts): CallState {
  const anomalies: CallAnomaly[] = [];
  if (f.otherCalls.length > 0) anomalies.push({ _tag: "OtherCall", callIds: f.otherCalls });
  const conflictsOf: [ConflictingField, Pick<unknown> | undefined][] = [
    ["direction", f.direction],
    ["from", f.from],
    ["to", f.to],
    ["bizOpaqueCallbackData", f.opaque],
    ["recording", f.recording],
    ["transcript", f.transcript],
    ["voicemail", f.voicemail],
  ];
  for (const [field, p] of conflictsOf) if (p !== undefined && p.keys.length > 1) anomalies.push({ _tag: "ConflictingValues", field, values: p.keys });
  const ending = f.ending;
  if (ending !== undefined && ending.statuses.length > 1) anomalies.push({ _tag: "ConflictingTerminates", statuses: ending.statuses });
  const accepted = f.statuses.includes("ACCEPTED");
  const rejected = f.statuses.includes("REJECTED") || ending?.statuses.includes("REJECTED") === true;
  if (accepted && f.statuses.includes("REJECTED")) anomalies.push({ _tag: "AcceptedAndRejected" });
  if (rejected && ending?.duration !== undefined && ending.duration > 0) anomalies.push({ _tag: "RejectedButConnected" });
  if (f.direction?.value === "USER_INITIATED" && f.statuses.length > 0) anomalies.push({ _tag: "StatusOfUserInitiatedCall" });
  if (f.unknown.length > 0) anomalies.push({ _tag: "UnknownValues", values: f.unknown });
  if (f.unreadable) anomalies.push({ _tag: "UnreadableEvent" });

  const publicEnding: CallEnding | undefined =
    ending === undefined
      ? undefined
      : {
          status: ending.statuses[0] ?? "UNKNOWN",
          ...(ending.start !== undefined && { startTime: new Date(ending.start) }),
          ...(ending.end !== undefined && { endTime: new Date(ending.end) }),
          ...(ending.duration !== undefined && { durationSeconds: ending.duration }),
          errors: ending.errors,
        };
  const fields: CallStateFields = {
    callId: f.callId,
    ...defined({
      direction: f.direction?.value,
      from: f.from?.value,
      to: f.to?.value,
      bizOpaqueCallbackData: f.opaque?.value,
      session: f.session?.value,
      firstEventAt: f.first === undefined ? undefined : new Date(f.first),
      lastEventAt: f.last === undefined ? undefined : new Date(f.last),
      ending: publicEnding,
      recording: f.recording?.value,
      transcript: f.transcript?.value,
      voicemail: f.voicemail?.value,
    }),
    statuses: f.statuses,
    anomalies,
  };
  // The user's SDP answer on a business-initiated call means it was picked up.
  const pickedUp = accepted || (f.session?.value.sdpType === "answer" && f.direction?.value !== "USER_INITIATED");
  if (publicEnding !== undefined) {
    if (publicEnding.status === "FAILED" || publicEnding.errors.length > 0) return { ...fields, _tag: "Failed", ending: publicEnding, errors: publicEnding.errors };
    if (publicEnding.status === "REJECTED" || (rejected && !pickedUp && publicEnding.durationSeconds === undefined)) return { ...fields, _tag: "Rejected" };
    if (pickedUp || publicEnding.durationSeconds !== undefined || publicEnding.startTime !== undefined) {
      return { ...fields, _tag: "Ended", ending: publicEnding, ...(publicEnding.durationSeconds !== undefined && { durationSeconds: publicEnding.durationSeconds }) };
    }
    return { ...fields, _tag: "NotAnswered", ending: publicEnding };
  }
  if (pickedUp) return { ...fields, _tag: "Accepted" };
  if (rejected) return { ...fields, _tag: "Rejected" };
  return { ...fields, _tag: "Ringing" };
}

/** The call id an event is about, if it is about a call. */
function callIdOf(e: Record<string, unknown>): string | undefined {
  const tag = e["_tag"];
  if (tag === "CallPermissionReply" || tag === "CallingViolation" || tag === "CallingRestriction" || tag === "CallingSettingsChanged" || tag === "UnknownChange") return undefined;
  return str(e["callId"]);
}

/**
 * Folds one webhook event into the state of its call. The same events in any order, with any
 * duplicates, give the same state: Meta's out-of-order delivery (the connect answer before the
 * connect HTTP response, `ACCEPTED` after the connect or the terminate) and redeliveries are
 * expected. What cannot all be true becomes an entry of `anomalies`, never a throw. An event
 * about no call (a permission reply, an account event) leaves the state as it is (and gives
 * `undefined` when there is no state yet); an event of another call is ignored and noted as an
 * `OtherCall` anomaly. Never throws.
 *
 * @example
 * const state = events.reduce<CallState | undefined>(foldCall, undefined);
 * if (state?._tag === "Failed") console.log(state.errors.map((e) => e._tag));
 */
export function foldCall(state: CallState, event: CallEvent): CallState;
export function foldCall(state: CallState | undefined, event: CallEvent): CallState | undefined;
export function foldCall(state: CallState | undefined, event: CallEvent): CallState | undefined {
  const before = guard(
    () => (state === undefined || state === null ? undefined : factsOfState(state)),
    () => undefined,
  );
  const next = guard(
    (): Facts | undefined => {
      if (typeof event !== "object" || event === null) return before;
      const e = event as unknown as Record<string, unknown>;
      const id = callIdOf(e);
      if (id === undefined) return before;
      if (before === undefined) return factsOfEvent(id, e);
      if (id !== before.callId) return join(before, { ...emptyFacts(before.callId), otherCalls: [id.slice(0, 512)] });
      return join(before, factsOfEvent(id, e));
    },
    () => (before === undefined ? undefined : join(before, { ...emptyFacts(before.callId), unreadable: true })),
  );
  return next === undefined ? undefined : guard(() => render(next), () => undefined);
}

/**
 * Whether the call is over: its terminate arrived, or the user rejected it.
 *
 * @example
 * if (isCallOver(state)) await saveOutcome(state);
 */
export function isCallOver(state: CallState | undefined): boolean {
  return guard(() => state !== undefined && state !== null && (state.ending !== undefined || state._tag === "Rejected"), () => false);
}
