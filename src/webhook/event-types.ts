/**
 * The events a calls webhook delivery can hold, as values.
 *
 * @module
 */
import type { GraphError } from "../errors.js";
import type { CallingSettings } from "../response.js";
import type { WebhookSession } from "./session.js";

/** Where the call came from, as the business number sees it. */
export type Metadata = { readonly phoneNumberId: string; readonly displayPhoneNumber?: string };

/**
 * A user's profile from `value.contacts[]`. `userId` / `parentUserId` are Meta's business-scoped
 * user ids (username-era identifiers): a user may have one and no phone number.
 */
export interface Contact {
  readonly waId?: string;
  readonly name?: string;
  readonly userId?: string;
  readonly parentUserId?: string;
}

/** Fields every call event shares. */
export interface CallFields {
  readonly callId: string;
  readonly from?: string;
  readonly to?: string;
  /** Business-scoped user id of the caller (`from_user_id`). */
  readonly fromUserId?: string;
  /** `from_parent_user_id`. */
  readonly fromParentUserId?: string;
  /** Business-scoped user id of the callee (`to_user_id`). */
  readonly toUserId?: string;
  /** `to_parent_user_id`. */
  readonly toParentUserId?: string;
  /** `USER_INITIATED`, `BUSINESS_INITIATED`, or `UNKNOWN` with the value in `rawDirection`. */
  readonly direction?: "USER_INITIATED" | "BUSINESS_INITIATED" | "UNKNOWN";
  readonly rawDirection?: string;
  readonly timestamp?: Date;
  readonly bizOpaqueCallbackData?: string;
  readonly metadata: Metadata;
  /** The call object as delivered, unknown fields included: redacted, bounded, JSON-safe. */
  readonly raw: unknown;
}

/**
 * A call is ringing or was answered: carries the SDP offer (inbound) or answer (outbound). The
 * answer of a business-initiated call gives the same `session` whether Meta sends it as
 * `session: { sdp_type, sdp }` or as `connection: { webrtc: { sdp } }`.
 */
export interface CallConnect extends CallFields {
  readonly _tag: "CallConnect";
  readonly session?: WebhookSession;
  /** The caller's profile from `value.contacts[]` (absent on outbound calls). */
  readonly contact?: Contact;
  /** `deeplink_payload`: the payload of the call deep link the user tapped. */
  readonly deeplinkPayload?: string;
  /** `cta_payload`: the payload of the call button the user tapped. */
  readonly ctaPayload?: string;
}

/** A call to a number that uses SIP was created (`call_created`): the SIP counterpart of `connect`, without a session. */
export interface SipCallCreated extends CallFields {
  readonly _tag: "SipCallCreated";
  readonly contact?: Contact;
}

/**
 * A call ended. `errors` are decoded like API errors: 138019-138023 and 131044 arrive here. They
 * are read from the call object (`calls[i].errors`) and from the change (`value.errors`),
 * de-duplicated by code and message. With one terminate in the change, both lists are its own.
 * With several, each keeps its own errors, and the change's errors (those no call carries
 * itself) go to every terminate that did not complete and has none of its own; when there is no
 * such terminate, to every one that did not complete, and failing that to every terminate, so an
 * error is never dropped.
 */
export interface CallTerminate extends CallFields {
  readonly _tag: "CallTerminate";
  /** `COMPLETED`, `FAILED`, `REJECTED` (any case in the payload), or `UNKNOWN` with `rawStatus`. */
  readonly status: "COMPLETED" | "FAILED" | "REJECTED" | "UNKNOWN";
  readonly rawStatus?: string;
  readonly startTime?: Date;
  readonly endTime?: Date;
  /** Seconds; present only when the call was picked up. */
  readonly durationSeconds?: number;
  readonly errors: readonly GraphError[];
}

/** A media file Meta keeps for 7 days: download it through the media endpoints with `mediaId`. */
export interface MediaFile {
  readonly mediaId: string;
  readonly sha256?: string;
  /** e.g. `audio/ogg; codecs=opus`, `application/json`. */
  readonly mimeType?: string;
  readonly url?: string;
}

/** The recording of a call is ready (`call_recording_available`). */
export interface CallRecordingAvailable extends CallFields {
  readonly _tag: "CallRecordingAvailable";
  readonly recording: MediaFile & {
    /** `audio`, or `UNKNOWN` with the value in `rawType`. */
    readonly type: "audio" | "UNKNOWN";
    readonly rawType?: string;
  };
}

/** The transcript of a call is ready (`call_transcription_available`): a JSON document. */
export interface CallTranscriptionAvailable extends CallFields {
  readonly _tag: "CallTranscriptionAvailable";
  readonly transcript: MediaFile;
}

/** A business-initiated call's progress. */
export interface CallStatus {
  readonly _tag: "CallStatus";
  readonly callId: string;
  readonly status: "RINGING" | "ACCEPTED" | "REJECTED" | "UNKNOWN";
  readonly rawStatus: string;
  readonly timestamp?: Date;
  readonly recipientId?: string;
  /** Business-scoped user id of the callee (`recipient_user_id`). */
  readonly recipientUserId?: string;
  /** `recipient_parent_user_id`. */
  readonly recipientParentUserId?: string;
  readonly bizOpaqueCallbackData?: string;
  readonly metadata: Metadata;
  /** The status object as delivered: redacted, bounded, JSON-safe. */
  readonly raw: unknown;
}

/** The user's answer to a call permission request. */
export interface CallPermissionReply {
  readonly _tag: "CallPermissionReply";
  readonly from: string;
  readonly messageId?: string;
  readonly timestamp?: Date;
  readonly response: "accept" | "reject" | "UNKNOWN";
  readonly rawResponse: string;
  readonly isPermanent: boolean;
  /** When the permission expires (from a string or a number of seconds). */
  readonly expiresAt?: Date;
  readonly responseSource?: "user_action" | "automatic" | "UNKNOWN";
  readonly metadata: Metadata;
  /** The message object as delivered: redacted, bounded, JSON-safe. */
  readonly raw: unknown;
}

/** A missed user-initiated call left a voicemail: an `audio` message whose id is the call's `wacid.`. */
export interface Voicemail {
  readonly _tag: "Voicemail";
  readonly callId: string;
  readonly from?: string;
  readonly timestamp?: Date;
  readonly audio: { readonly mediaId: string; readonly mimeType?: string; readonly sha256?: string; readonly url?: string };
  /** The caller's profile from `value.contacts[]`. */
  readonly contact?: Contact;
  readonly metadata: Metadata;
  /** The message object as delivered: redacted, bounded, JSON-safe. */
  readonly raw: unknown;
}

/** Fields of the account events (`account_update`, `account_settings_update`). */
export interface AccountFields {
  /** `entry[].id`: the WhatsApp Business Account. */
  readonly businessAccountId?: string;
  /** `phone_number` (or `phone_number_id`) of the change, when it names one. */
  readonly phoneNumber?: string;
  readonly timestamp?: Date;
  /** The payload as delivered: redacted, bounded, JSON-safe. */
  readonly raw: unknown;
}

/** The calling violation types of `account_update`. */
export type CallingViolationType = "LOW_BUSINESS_INITIATED_CALLING_QUALITY" | "LOW_USER_INITIATED_CALLING_QUALITY" | "USER_INITIATED_CALLS_LOW_PICKUP_RATE";

/**
 * Meta flagged the number's calling (`account_update`, `ACCOUNT_VIOLATION`): low call quality or
 * a low pick-up rate. A violation type that mentions calls but is not one of the three known is
 * `UNKNOWN` with the value in `rawViolationType`; other violations stay `UnknownChange`.
 */
export interface CallingViolation extends AccountFields {
  readonly _tag: "CallingViolation";
  readonly violationType: CallingViolationType | "UNKNOWN";
  readonly rawViolationType: string;
}

/** The calling restriction types of `account_update`. */
export type CallingRestrictionType = "RESTRICTED_BUSINESS_INITIATED_CALLING" | "RESTRICTED_USER_INITIATED_CALLING" | "RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN";

/** One entry of `restriction_info[]`. */
export interface CallingRestrictionInfo {
  /** A calling restriction, or `UNKNOWN` (another restriction of the same event) with `rawRestrictionType`. */
  readonly restrictionType: CallingRestrictionType | "UNKNOWN";
  readonly rawRestrictionType: string;
  /** When the restriction ends (`expiration`, unix seconds or an ISO date). */
  readonly expiresAt?: Date;
  /** What Meta says to do about it. */
  readonly remediation?: string;
}

/**
 * Meta restricted the number's calling (`account_update`, `ACCOUNT_RESTRICTION`): business- or
 * user-initiated calling, possibly until `expiresAt`. An `ACCOUNT_RESTRICTION` none of whose
 * entries mentions calls stays `UnknownChange`.
 */
export interface CallingRestriction extends AccountFields {
  readonly _tag: "CallingRestriction";
  readonly restrictions: readonly CallingRestrictionInfo[];
}

/** The phone number's calling settings changed (`account_settings_update`, `PHONE_NUMBER_SETTINGS`). */
export interface CallingSettingsChanged extends AccountFields {
  readonly _tag: "CallingSettingsChanged";
  /** Decoded like `GET /settings` (see `CallingSettings`). */
  readonly calling: CallingSettings;
}

/** A call object whose `event` wacall does not know: kept, not dropped. */
export interface UnknownCallEvent {
  readonly _tag: "UnknownCallEvent";
  readonly event: string;
  readonly callId?: string;
  readonly metadata: Metadata;
  readonly raw: unknown;
}

/** A change wacall does not decode (another field, or an account event that is not about calling): kept, not dropped. */
export interface UnknownChange {
  readonly _tag: "UnknownChange";
  readonly field: string;
  readonly raw: unknown;
}

/** Every event a calls webhook delivery can hold. */
export type CallEvent =
  | CallConnect
  | SipCallCreated
  | CallTerminate
  | CallRecordingAvailable
  | CallTranscriptionAvailable
  | CallStatus
  | CallPermissionReply
  | Voicemail
  | CallingViolation
  | CallingRestriction
  | CallingSettingsChanged
  | UnknownCallEvent
  | UnknownChange;

/** One item of a delivery that could not be decoded, with its JSON path (`$.entry[0].changes[1].value.calls[0].id`). */
export interface WebhookItemProblem {
  readonly _tag: "MalformedItem";
  readonly path: string;
  readonly message: string;
}

/** A decoded delivery: the events that could be read, and the items that could not. */
export interface WebhookItems {
  readonly events: CallEvent[];
  readonly problems: readonly WebhookItemProblem[];
}
