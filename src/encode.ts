/**
 * Encoding errors back into Meta's envelopes: what the fake server sends, and the inverse the
 * property tests check decoding against.
 *
 * @module
 */
import type { GraphError, MalformedResponse } from "./errors.js";

/** A Graph error object as Meta sends it in an HTTP error body. */
export interface GraphErrorObject {
  readonly message: string;
  readonly type: string;
  readonly code: number;
  readonly error_subcode?: number;
  readonly error_data?: { readonly messaging_product: "whatsapp"; readonly details: string };
  readonly is_transient?: boolean;
  readonly error_user_title?: string;
  readonly error_user_msg?: string;
  readonly fbtrace_id?: string;
}

/** A webhook error object, as found in `value.errors[]` of a calls webhook. */
export interface WebhookErrorObject {
  readonly code: number;
  readonly title: string;
  readonly message: string;
  readonly error_data?: { readonly details: string };
  readonly href: string;
}

/** Every error that has a code (all but {@link MalformedResponse}). */
export type CodedError = Exclude<GraphError, MalformedResponse>;

/**
 * The HTTP error body Meta would send for an error value.
 *
 * @example
 * encodeGraphError(graphError("DuplicateCall")); // { error: { code: 138003, … } }
 */
export function encodeGraphError(e: CodedError): { readonly error: GraphErrorObject } {
  return {
    error: {
      message: e.message,
      type: "OAuthException",
      code: e.code,
      ...(e.subcode !== undefined && { error_subcode: e.subcode }),
      ...(e.details !== undefined && { error_data: { messaging_product: "whatsapp" as const, details: e.details } }),
      ...(e.isTransient !== undefined && { is_transient: e.isTransient }),
      ...(e.userTitle !== undefined && { error_user_title: e.userTitle }),
      ...(e.userMessage !== undefined && { error_user_msg: e.userMessage }),
      ...(e.fbtraceId !== undefined && { fbtrace_id: e.fbtraceId }),
    },
  };
}

/**
 * The webhook error object Meta would put in a terminate webhook's `errors[]`.
 *
 * @example
 * encodeWebhookError(graphError("MediaReceiveTimeout")).code; // 138021
 */
export function encodeWebhookError(e: CodedError): WebhookErrorObject {
  return {
    code: e.code,
    title: e.message,
    message: e.message,
    ...(e.details !== undefined && { error_data: { details: e.details } }),
    href: "/documentation/business-messaging/whatsapp/support/error-codes",
  };
}
