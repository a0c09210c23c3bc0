/**
 * `field: "calls"`: call objects (connect, SIP call_created, terminate with its errors from both
 * places, recording and transcript ready) and the statuses of business-initiated calls.
 *
 * @module
 */
import { decodeGraphError } from "../decode.js";
import type { GraphError } from "../errors.js";
import { redactField, type Scrubber } from "../internal/redact.js";
import type { CallConnect, CallEvent, CallFields, CallStatus, CallTerminate, Contact, MediaFile, Metadata, SipCallCreated } from "./event-types.js";
import { child, id, isObject, object, oneOf, optional, readOwn, reject, seconds, str, text, type Obj } from "./read.js";
import { makeSession } from "./session.js";
import { eachItem, guarded, push, rawOf, type Sink } from "./walk.js";

/** A writable view of an event under construction: optional fields are set only when defined. */
type Draft<T> = { -readonly [K in keyof T]: T[K] };

/** The fields every call event shares, in an event whose `_tag` comes first, still open to the fields of its kind. */
function callFields<T extends string>(tag: T, c: Obj, path: string, metadata: Metadata, sink: Sink): Draft<CallFields> & { _tag: T } {
  const scrub = sink.scrub;
  const callId = id(readOwn(c, "id"), scrub);
  if (callId === undefined || callId === "") reject(`${path}.id`, "expected the call id");
  const rawDirection = text(readOwn(c, "direction"), scrub);
  // One object, optional fields assigned when defined (no spread of a temporary per field); the
  // key order is the one the spreads gave.
  const out = { _tag: tag, callId } as Draft<CallFields> & { _tag: T };
  const from = id(readOwn(c, "from"), scrub);
  if (from !== undefined) out.from = from;
  const to = id(readOwn(c, "to"), scrub);
  if (to !== undefined) out.to = to;
  const fromUserId = id(readOwn(c, "from_user_id"), scrub);
  if (fromUserId !== undefined) out.fromUserId = fromUserId;
  const fromParentUserId = id(readOwn(c, "from_parent_user_id"), scrub);
  if (fromParentUserId !== undefined) out.fromParentUserId = fromParentUserId;
  const toUserId = id(readOwn(c, "to_user_id"), scrub);
  if (toUserId !== undefined) out.toUserId = toUserId;
  const toParentUserId = id(readOwn(c, "to_parent_user_id"), scrub);
  if (toParentUserId !== undefined) out.toParentUserId = toParentUserId;
  if (rawDirection !== undefined) {
    out.direction = oneOf(rawDirection, ["USER_INITIATED", "BUSINESS_INITIATED"] as const);
    out.rawDirection = rawDirection;
  }
  const timestamp = seconds(readOwn(c, "timestamp"));
  if (timestamp !== undefined) out.timestamp = timestamp;
  const bizOpaqueCallbackData = id(readOwn(c, "biz_opaque_callback_data"), scrub);
  if (bizOpaqueCallbackData !== undefined) out.bizOpaqueCallbackData = bizOpaqueCallbackData;
  out.metadata = metadata;
  out.raw = rawOf(sink, c);
  return out;
}

/** The first profile of `value.contacts[]`, business-scoped ids included. */
export function firstContact(value: Obj, scrub: Scrubber): Contact | undefined {
  const contacts = readOwn(value, "contacts");
  const first: unknown = Array.isArray(contacts) ? (contacts as readonly unknown[])[0] : undefined;
  if (!isObject(first)) return undefined;
  const out: Draft<Contact> = {};
  const waId = id(readOwn(first, "wa_id"), scrub);
  if (waId !== undefined) out.waId = waId;
  const name = id(nameOf(first), scrub);
  if (name !== undefined) out.name = name;
  const userId = id(readOwn(first, "user_id"), scrub);
  if (userId !== undefined) out.userId = userId;
  const parentUserId = id(readOwn(first, "parent_user_id"), scrub);
  if (parentUserId !== undefined) out.parentUserId = parentUserId;
  return out;
}

function nameOf(contact: Obj): unknown {
  const profile = child(contact, "profile");
  return profile === undefined ? undefined : readOwn(profile, "name");
}

/** The SDP of a connect: `session: { sdp_type, sdp }`, or `connection: { webrtc: { sdp } }` (an answer on a business-initiated call). */
function sessionOf(c: Obj, direction: CallFields["direction"], scrub: Scrubber): ReturnType<typeof makeSession> | undefined {
  const s = child(c, "session");
  const sdpType = s === undefined ? undefined : readOwn(s, "sdp_type");
  const sdp = s === undefined ? undefined : readOwn(s, "sdp");
  if ((sdpType === "offer" || sdpType === "answer") && typeof sdp === "string") return makeSession(sdpType, sdp, scrub);
  const webrtc = child(child(c, "connection"), "webrtc");
  const wSdp = webrtc === undefined ? undefined : readOwn(webrtc, "sdp");
  if (webrtc === undefined || typeof wSdp !== "string") return undefined;
  const wType = readOwn(webrtc, "sdp_type");
  const type = wType === "offer" || wType === "answer" ? wType : direction === "USER_INITIATED" ? "offer" : "answer";
  return makeSession(type, wSdp, scrub);
}

function mediaFile(o: Obj, path: string, scrub: Scrubber): MediaFile {
  const mediaId = id(readOwn(o, "id"), scrub);
  if (mediaId === undefined || mediaId === "") reject(`${path}.id`, "expected the media id");
  return {
    mediaId,
    ...optional("sha256", id(readOwn(o, "sha256"), scrub)),
    ...optional("mimeType", text(readOwn(o, "mime_type"), scrub)),
    ...optional("url", text(readOwn(o, "url"), scrub)),
  };
}

function decodeCall(c: Obj, path: string, metadata: Metadata, value: Obj, sink: Sink): CallEvent {
  const scrub = sink.scrub;
  const event = str(readOwn(c, "event")) ?? "";
  switch (event.length <= 40 ? event.toLowerCase() : "") {
    case "connect": {
      // Built in place: no copy of the shared fields, no temporary per optional field.
      const connect: Draft<CallConnect> = callFields("CallConnect", c, path, metadata, sink);
      const session = sessionOf(c, connect.direction, scrub);
      if (session !== undefined) connect.session = session;
      const contact = firstContact(value, scrub);
      if (contact !== undefined) connect.contact = contact;
      const deeplinkPayload = id(readOwn(c, "deeplink_payload"), scrub);
      if (deeplinkPayload !== undefined) connect.deeplinkPayload = deeplinkPayload;
      const ctaPayload = id(readOwn(c, "cta_payload"), scrub);
      if (ctaPayload !== undefined) connect.ctaPayload = ctaPayload;
      return connect;
    }
    case "call_created":
      {
      const created: Draft<SipCallCreated> = callFields("SipCallCreated", c, path, metadata, sink);
      const contact = firstContact(value, scrub);
      if (contact !== undefined) created.contact = contact;
      return created;
    }
    case "terminate": {
      const rawStatus = text(readOwn(c, "status"), scrub);
      const duration = readOwn(c, "duration");
      const durationSeconds =
        typeof duration === "number" && Number.isFinite(duration) && duration >= 0 ? duration : typeof duration === "string" && /^\d{1,12}$/.test(duration) ? Number(duration) : undefined;
      return {
        ...callFields("CallTerminate", c, path, metadata, sink),
        status: oneOf(rawStatus, ["COMPLETED", "FAILED", "REJECTED"] as const),
        ...optional("rawStatus", rawStatus),
        ...optional("startTime", seconds(readOwn(c, "start_time"))),
        ...optional("endTime", seconds(readOwn(c, "end_time"))),
        ...optional("durationSeconds", durationSeconds),
        errors: [],
      };
    }
    case "call_recording_available": {
      const fields = callFields("CallRecordingAvailable", c, path, metadata, sink);
      const recording = object(readOwn(c, "call_recording"), `${path}.call_recording`);
      const rawType = text(readOwn(recording, "type"), scrub);
      // The media sits under the key its type names (`audio`); `audio` when the type is missing.
      const key = rawType !== undefined && /^[a-z_]{1,32}$/.test(rawType) ? rawType : "audio";
      const media = object(readOwn(recording, key), `${path}.call_recording.${key}`);
      return {
        ...fields,
        recording: { type: rawType === "audio" ? "audio" : "UNKNOWN", ...optional("rawType", rawType), ...mediaFile(media, `${path}.call_recording.${key}`, scrub) },
      };
    }
    case "call_transcription_available": {
      const fields = callFields("CallTranscriptionAvailable", c, path, metadata, sink);
      const transcript = object(readOwn(c, "call_transcript"), `${path}.call_transcript`);
      const document = object(readOwn(transcript, "document"), `${path}.call_transcript.document`);
      return { ...fields, transcript: mediaFile(document, `${path}.call_transcript.document`, scrub) };
    }
    default:
      return { _tag: "UnknownCallEvent", event: redactField(event, scrub), ...optional("callId", id(readOwn(c, "id"), scrub)), metadata, raw: rawOf(sink, c) };
  }
}

/** What makes two errors the same: code (or tag, for a body without one) and message. */
function keyOf(e: GraphError): string {
  return `${"code" in e ? String(e.code) : e._tag}\u0000${e.message}`;
}

/** Errors as one list, each (code, message) once, in first-seen order. */
function unique(lists: readonly (readonly GraphError[])[]): GraphError[] {
  const seen = new Set<string>();
  const out: GraphError[] = [];
  for (const e of lists.flat()) {
    const key = keyOf(e);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

/** Reads an `errors` list (of a change or of a call); a broken list is a problem, the rest is still decoded. */
function readErrors(sink: Sink, parent: Obj, path: string): GraphError[] {
  const errors: GraphError[] = [];
  guarded(sink, `${path}.errors`, () =>
    eachItem(sink, parent, "errors", path, false, (x) => {
      errors.push(decodeGraphError(x, { secrets: sink.secrets }));
    }),
  );
  return errors;
}

/** Gives each terminate its errors (see {@link CallTerminate} for the rule). */
function attachErrors(terminates: readonly { event: { errors: readonly GraphError[]; status: CallTerminate["status"] }; own: readonly GraphError[] }[], shared: readonly GraphError[]): void {
  if (terminates.length === 0) return;
  if (terminates.length === 1) {
    const only = terminates[0];
    if (only !== undefined) only.event.errors = unique([only.own, shared]);
    return;
  }
  const claimed = new Set(terminates.flatMap((t) => t.own.map(keyOf)));
  const left = unique([shared.filter((e) => !claimed.has(keyOf(e)))]);
  const unfinished = terminates.filter((t) => t.event.status !== "COMPLETED");
  const bare = unfinished.filter((t) => t.own.length === 0);
  const receivers = bare.length > 0 ? bare : unfinished.length > 0 ? unfinished : terminates;
  for (const t of terminates) t.event.errors = unique(receivers.includes(t) ? [t.own, left] : [t.own]);
}

/** Decodes `value.calls[]` with the errors of `value.errors[]` and of each call. */
export function decodeCalls(sink: Sink, value: Obj, valuePath: string, metadata: Metadata, context: readonly unknown[]): void {
  const shared = readErrors(sink, value, valuePath);
  const decoded: { event: CallEvent; source: unknown }[] = [];
  const terminates: { event: { errors: readonly GraphError[]; status: CallTerminate["status"] }; own: readonly GraphError[] }[] = [];
  guarded(sink, `${valuePath}.calls`, () =>
    eachItem(sink, value, "calls", valuePath, false, (c, p) => {
      const call = object(c, p);
      const event = decodeCall(call, p, metadata, value, sink);
      if (event._tag === "CallTerminate") terminates.push({ event: event as { errors: readonly GraphError[]; status: CallTerminate["status"] }, own: readErrors(sink, call, p) });
      decoded.push({ event, source: [...context, call] });
    }),
  );
  attachErrors(terminates, shared);
  for (const d of decoded) push(sink, d.event, d.source);
}

function decodeStatus(s: Obj, path: string, metadata: Metadata, sink: Sink): CallStatus | undefined {
  const scrub = sink.scrub;
  if (str(readOwn(s, "type")) !== "call") return undefined; // message statuses are not calling events
  const callId = readOwn(s, "id");
  if (typeof callId !== "string" || callId === "") reject(`${path}.id`, "expected the call id");
  const rawStatus = text(readOwn(s, "status"), scrub) ?? "";
  return {
    _tag: "CallStatus",
    callId: id(callId, scrub) ?? "",
    status: oneOf(rawStatus, ["RINGING", "ACCEPTED", "REJECTED"] as const),
    rawStatus,
    ...optional("timestamp", seconds(readOwn(s, "timestamp"))),
    ...optional("recipientId", id(readOwn(s, "recipient_id"), scrub)),
    ...optional("recipientUserId", id(readOwn(s, "recipient_user_id"), scrub)),
    ...optional("recipientParentUserId", id(readOwn(s, "recipient_parent_user_id"), scrub)),
    ...optional("bizOpaqueCallbackData", id(readOwn(s, "biz_opaque_callback_data"), scrub)),
    metadata,
    raw: rawOf(sink, s),
  };
}

/** Decodes `value.statuses[]`: call statuses only (message statuses are skipped). */
export function decodeStatuses(sink: Sink, value: Obj, valuePath: string, metadata: Metadata, context: readonly unknown[]): void {
  guarded(sink, `${valuePath}.statuses`, () =>
    eachItem(sink, value, "statuses", valuePath, false, (s, p) => {
      const st = object(s, p);
      const status = decodeStatus(st, p, metadata, sink);
      if (status !== undefined) push(sink, status, [...context, st]);
    }),
  );
}
