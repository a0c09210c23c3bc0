/**
 * Builders of calls webhook deliveries in Meta's shape, for fixtures and for the fake server's
 * webhook sender.
 *
 * @module
 */
import type { WebhookErrorObject } from "../encode.js";

/** One `entry[].changes[]` element. */
export interface Change {
  readonly field: string;
  readonly value: Record<string, unknown>;
}

const metadata = (phoneNumberId: string) => ({ display_phone_number: "15550009999", phone_number_id: phoneNumberId });

/** A whole delivery: one entry holding the given changes. */
export function delivery(changes: readonly Change[], wabaId = "102290129340398"): Record<string, unknown> {
  return { object: "whatsapp_business_account", entry: [{ id: wabaId, changes }] };
}

/** A `connect` call event (inbound with an offer, or outbound with the user's answer). */
export function connectChange(o: {
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  readonly direction: "USER_INITIATED" | "BUSINESS_INITIATED";
  readonly timestamp: number;
  readonly sdp?: { readonly type: "offer" | "answer"; readonly sdp: string };
  readonly bizOpaqueCallbackData?: string;
  readonly phoneNumberId?: string;
  readonly contactName?: string;
}): Change {
  return {
    field: "calls",
    value: {
      messaging_product: "whatsapp",
      metadata: metadata(o.phoneNumberId ?? "1234567890"),
      ...(o.direction === "USER_INITIATED" && { contacts: [{ profile: { name: o.contactName ?? "Caller" }, wa_id: o.from }] }),
      calls: [
        {
          id: o.callId,
          to: o.to,
          from: o.from,
          event: "connect",
          timestamp: String(Math.floor(o.timestamp / 1000)),
          direction: o.direction,
          ...(o.sdp !== undefined && { session: { sdp_type: o.sdp.type, sdp: o.sdp.sdp } }),
          ...(o.bizOpaqueCallbackData !== undefined && { biz_opaque_callback_data: o.bizOpaqueCallbackData }),
        },
      ],
    },
  };
}

/** A `terminate` call event, with `errors[]` beside `calls[]` when it failed. */
export function terminateChange(o: {
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  readonly direction: "USER_INITIATED" | "BUSINESS_INITIATED";
  readonly timestamp: number;
  readonly status: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly duration?: number;
  readonly errors?: readonly WebhookErrorObject[];
  readonly bizOpaqueCallbackData?: string;
  readonly phoneNumberId?: string;
}): Change {
  return {
    field: "calls",
    value: {
      messaging_product: "whatsapp",
      metadata: metadata(o.phoneNumberId ?? "1234567890"),
      calls: [
        {
          id: o.callId,
          to: o.to,
          from: o.from,
          event: "terminate",
          direction: o.direction,
          timestamp: String(Math.floor(o.timestamp / 1000)),
          status: o.status,
          ...(o.startTime !== undefined && { start_time: String(Math.floor(o.startTime / 1000)) }),
          ...(o.endTime !== undefined && { end_time: String(Math.floor(o.endTime / 1000)) }),
          ...(o.duration !== undefined && { duration: o.duration }),
          ...(o.bizOpaqueCallbackData !== undefined && { biz_opaque_callback_data: o.bizOpaqueCallbackData }),
        },
      ],
      ...(o.errors !== undefined && o.errors.length > 0 && { errors: o.errors }),
    },
  };
}

/** A business-initiated call's status (`RINGING`, `ACCEPTED`, `REJECTED`). */
export function statusChange(o: {
  readonly callId: string;
  readonly status: string;
  readonly recipientId: string;
  readonly timestamp: number;
  readonly bizOpaqueCallbackData?: string;
  readonly phoneNumberId?: string;
}): Change {
  return {
    field: "calls",
    value: {
      messaging_product: "whatsapp",
      metadata: metadata(o.phoneNumberId ?? "1234567890"),
      statuses: [
        {
          id: o.callId,
          timestamp: String(Math.floor(o.timestamp / 1000)),
          type: "call",
          status: o.status,
          recipient_id: o.recipientId,
          ...(o.bizOpaqueCallbackData !== undefined && { biz_opaque_callback_data: o.bizOpaqueCallbackData }),
        },
      ],
    },
  };
}

/** A user's reply to a call permission request (a `messages` change). */
export function permissionReplyChange(o: {
  readonly from: string;
  readonly messageId: string;
  readonly timestamp: number;
  readonly response: "accept" | "reject";
  readonly isPermanent: boolean;
  readonly expiresAt?: number;
  readonly expirationAsNumber?: boolean;
  readonly responseSource?: "user_action" | "automatic";
  readonly phoneNumberId?: string;
}): Change {
  const expiration = o.expiresAt === undefined ? undefined : Math.floor(o.expiresAt / 1000);
  return {
    field: "messages",
    value: {
      messaging_product: "whatsapp",
      metadata: metadata(o.phoneNumberId ?? "1234567890"),
      contacts: [{ profile: { name: "User" }, wa_id: o.from }],
      messages: [
        {
          from: o.from,
          id: o.messageId,
          timestamp: String(Math.floor(o.timestamp / 1000)),
          type: "interactive",
          interactive: {
            type: "call_permission_reply",
            call_permission_reply: {
              response: o.response,
              is_permanent: o.isPermanent,
              ...(expiration !== undefined && { expiration_timestamp: o.expirationAsNumber === true ? expiration : String(expiration) }),
              response_source: o.responseSource ?? "user_action",
            },
          },
        },
      ],
    },
  };
}
