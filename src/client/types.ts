/**
 * Inputs of the client: SDP with its role in the type, and each method's arguments.
 *
 * @module
 */
import type { CallId } from "../response.js";

/** An SDP offer: what `connect` sends. Build with {@link sdpOffer}. */
export interface SdpOffer {
  readonly type: "offer";
  readonly sdp: string;
}

/** An SDP answer: what `preAccept` and `accept` send. Build with {@link sdpAnswer}. */
export interface SdpAnswer {
  readonly type: "answer";
  readonly sdp: string;
}

/**
 * Marks SDP text as an offer (for `connect`).
 *
 * @example
 * client.connect({ to: "15551234567", sdp: sdpOffer(pc.localDescription.sdp) });
 */
export function sdpOffer(sdp: string): SdpOffer {
  // JavaScript callers may pass anything: a non-string becomes "" (which connect then refuses).
  return { type: "offer", sdp: typeof sdp === "string" ? sdp : "" };
}

/**
 * Marks SDP text as an answer (for `preAccept` / `accept`).
 *
 * @example
 * client.accept({ callId, sdp: sdpAnswer(answer.sdp) });
 */
export function sdpAnswer(sdp: string): SdpAnswer {
  // JavaScript callers may pass anything: a non-string becomes "" (which the answer calls then refuse).
  return { type: "answer", sdp: typeof sdp === "string" ? sdp : "" };
}

/** Who to call: a WhatsApp id (`to`) or a business-scoped user id (`recipient`), not both. */
export type CallTarget =
  | { readonly to: string; readonly recipient?: never }
  | { readonly recipient: string; readonly to?: never };

/** Arguments of `connect`. */
export type ConnectInput = CallTarget & {
  readonly sdp: SdpOffer;
  /** Echoed in the call's webhooks; at most 512 characters. */
  readonly bizOpaqueCallbackData?: string;
};

/** Arguments of `preAccept`. */
export interface PreAcceptInput {
  readonly callId: CallId;
  readonly sdp: SdpAnswer;
}

/** Arguments of `accept`. */
export interface AcceptInput {
  readonly callId: CallId;
  /** Must match the answer sent with `preAccept`, if any. */
  readonly sdp: SdpAnswer;
  readonly bizOpaqueCallbackData?: string;
}

/** Arguments of `reject` and `terminate`. */
export interface CallIdInput {
  readonly callId: CallId;
}

/** Arguments of `getCallPermissions`. */
export type PermissionLookupInput = { readonly userWaId: string; readonly recipient?: never } | { readonly recipient: string; readonly userWaId?: never };

/** Arguments of `sendCallPermissionRequest`. */
export interface PermissionRequestInput {
  /** The user's WhatsApp id. */
  readonly to: string;
  /** The message body shown with the request (1 to 1024 characters). */
  readonly body: string;
}

/** A weekly opening slot; times are `HHMM`. */
export interface WeeklyHours {
  readonly dayOfWeek: "MONDAY" | "TUESDAY" | "WEDNESDAY" | "THURSDAY" | "FRIDAY" | "SATURDAY" | "SUNDAY";
  readonly openTime: string;
  readonly closeTime: string;
}

/** A holiday closing; date `YYYY-MM-DD`, times `HHMM`. */
export interface HolidayHours {
  readonly date: string;
  readonly startTime: string;
  readonly endTime: string;
}

/** Arguments of `updateCallingSettings`: only the fields given are sent. */
export interface CallingSettingsUpdate {
  readonly status?: "ENABLED" | "DISABLED";
  readonly callIconVisibility?: "DEFAULT" | "DISABLE_ALL";
  readonly callbackPermissionStatus?: "ENABLED" | "DISABLED";
  readonly srtpKeyExchangeProtocol?: "DTLS" | "SDES";
  readonly callHours?: {
    readonly status: "ENABLED" | "DISABLED";
    readonly timezoneId: string;
    readonly weeklyOperatingHours: readonly WeeklyHours[];
    readonly holidaySchedule?: readonly HolidayHours[];
  };
}
