/**
 * Encoding errors back into Meta's envelopes: what the fake server sends, and the inverse the
 * property tests check decoding against.
 *
 * @module
 */
import type { GraphError, MalformedResponse } from "./errors.js";
import { guard } from "./internal/guard.js";

/** The fields of an error value, read once and type-checked (the value may come from anywhere). */
interface Fields {
  readonly code: number;
  readonly message: string;
  readonly details?: string;
  readonly subcode?: number;
  readonly isTransient?: boolean;
  readonly userTitle?: string;
  readonly userMessage?: string;
  readonly fbtraceId?: string;
  readonly href?: string;
}

function fieldsOf(e: unknown): Fields {
  return guard(
    () => {
      const o = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>;
      const text = (k: string) => (typeof o[k] === "string" ? (o[k] as string) : undefined);
      const num = (k: string) => (typeof o[k] === "number" && Number.isFinite(o[k]) ? (o[k] as number) : undefined);
      const details = text("details");
      const subcode = num("subcode");
      const isTransient = typeof o["isTransient"] === "boolean" ? (o["isTransient"] as boolean) : undefined;
      const userTitle = text("userTitle");
      const userMessage = text("userMessage");
      const fbtraceId = text("fbtraceId");
      const href = text("href");
      return {
        code: num("code") ?? 0,
        message: text("message") ?? "",
        ...(details !== undefined && { details }),
        ...(subcode !== undefined && { subcode }),
        ...(isTransient !== undefined && { isTransient }),
        ...(userTitle !== undefined && { userTitle }),
        ...(userMessage !== undefined && { userMessage }),
        ...(fbtraceId !== undefined && { fbtraceId }),
        ...(href !== undefined && { href }),
      };
    },
    () => ({ code: 0, message: "" }),
    { code: 0, message: "" },
  );
}

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
export function encodeGraphError(error: CodedError): { readonly error: GraphErrorObject } {
  const e = fieldsOf(error);
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
export function encodeWebhookError(error: CodedError): WebhookErrorObject {
  const e = fieldsOf(error);
  return {
    code: e.code,
    title: e.message,
    message: e.message,
    ...(e.details !== undefined && { error_data: { details: e.details } }),
    href: e.href ?? "/documentation/business-messaging/whatsapp/support/error-codes",
  };
}
