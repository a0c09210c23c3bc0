/**
 * One row per event a calls webhook delivery decodes to: the change field and event that carry
 * it, its tag, and what it means. The README's event table is generated from these rows, and the
 * test suite decodes a fixture of each.
 *
 * @module
 */
import type { CallEvent } from "./event-types.js";

/** One row of {@link eventCatalog}. */
export interface EventCatalogRow {
  /** `entry[].changes[].field` of the change that carries the event. */
  readonly field: string;
  /** What identifies the event inside the change. */
  readonly event: string;
  readonly tag: CallEvent["_tag"];
  readonly summary: string;
}

/**
 * Every event `decodeWebhook` / `decodeWebhookItems` return, in the order of the `CallEvent` union.
 *
 * @example
 * eventCatalog.find((row) => row.tag === "CallRecordingAvailable")?.event; // "call_recording_available"
 */
export const eventCatalog = [
  { field: "calls", event: "`connect`", tag: "CallConnect", summary: "A call rings (user-initiated, with the SDP offer) or was answered (business-initiated, with the SDP answer from `session` or `connection.webrtc`); caller profile, business-scoped ids, `deeplinkPayload`, `ctaPayload`." },
  { field: "calls", event: "`call_created`", tag: "SipCallCreated", summary: "A call to a number that uses SIP was created; no session (the media goes through your SIP server)." },
  { field: "calls", event: "`terminate`", tag: "CallTerminate", summary: "A call ended: status, times, duration, and `errors` from the call and the change, decoded into `GraphError`s and de-duplicated." },
  { field: "calls", event: "`call_recording_available`", tag: "CallRecordingAvailable", summary: "The call's recording is ready: media id, sha256, mime type and URL (Meta keeps it 7 days)." },
  { field: "calls", event: "`call_transcription_available`", tag: "CallTranscriptionAvailable", summary: "The call's transcript (a JSON document) is ready: media id, sha256, mime type and URL (kept 7 days)." },
  { field: "calls", event: "`statuses[]` with `type: \"call\"`", tag: "CallStatus", summary: "A business-initiated call rings, was accepted or rejected; recipient and business-scoped ids." },
  { field: "messages", event: "`interactive.call_permission_reply`", tag: "CallPermissionReply", summary: "The user accepted or rejected a call permission request: permanent or until `expiresAt`." },
  { field: "messages", event: "`audio` message with a `wacid.` id", tag: "Voicemail", summary: "A missed user-initiated call left a voicemail: the call id and the audio's media id." },
  { field: "account_update", event: "`ACCOUNT_VIOLATION` about calling", tag: "CallingViolation", summary: "Low business- or user-initiated call quality, or a low pick-up rate." },
  { field: "account_update", event: "`ACCOUNT_RESTRICTION` about calling", tag: "CallingRestriction", summary: "Business- or user-initiated calling (or the call button) restricted, each with its expiry and remediation." },
  { field: "account_settings_update", event: "`PHONE_NUMBER_SETTINGS` with `calling`", tag: "CallingSettingsChanged", summary: "The number's calling settings changed, decoded like `GET /settings`." },
  { field: "calls", event: "any other `event`", tag: "UnknownCallEvent", summary: "A call event wacall does not know yet, kept with its call id and `raw`." },
  { field: "any other", event: "—", tag: "UnknownChange", summary: "Another field, or an account event that is not about calling, kept with its field and `raw`." },
] as const satisfies readonly EventCatalogRow[];
