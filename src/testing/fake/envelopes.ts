/**
 * Meta's answers as the fake writes them: Graph error envelopes for a tag or a code, webhook error
 * objects, and a placeholder SDP.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { catalog, type KnownTag } from "../../catalog.js";
import { encodeGraphError, encodeWebhookError, type WebhookErrorObject } from "../../encode.js";
import { graphError, unknownError } from "../../errors.js";
import { lookupCode } from "../../internal/lookup.js";

/** One HTTP answer of the fake: status, JSON body (or HTML text) and extra headers. */
export type Answer = { readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> };

const titles: Partial<Record<KnownTag, string>> = {
  CallingNotEnabled: "Calling not enabled",
  ReceiverUncallable: "Receiver is incapable of receiving this call",
  ConcurrentCallsLimit: "Concurrent calls limit reached",
  DuplicateCall: "Duplicate call",
  CallPermissionNotFound: "No approved call permission found",
  CallPermissionRequestLimitHit: "Call permission request limit hit",
  BusinessInitiatedCallsLimitHit: "Business initiated calls limit hit",
  FetchCallPermissionLimitHit: "Fetch call permission limit hit",
  CallRateLimitExceeded: "Call rate limit exceeded",
  PermanentCallPermissionExists: "Permanent call permission already exists",
  CallConnectionTimeout: "Call connection timeout",
  CallingRequiresMessagingLimit: "Messaging limit too low to enable calling",
  CallingCannotBeEnabled: "Calling cannot be enabled",
  SipNumberRejectsGraphCalling: "Calling API not supported for SIP numbers",
  RecipientNotInAllowedList: "Recipient phone number not in allowed list",
  InvalidParameter: "Invalid parameter",
  AccessTokenInvalid: "Error validating access token",
};

const catalogStatus = new Map<string, number>(catalog.map((r) => [r.tag, r.httpStatus]));

/** Meta's error envelope for `tag` (its catalog code and status unless given). */
export function metaError(tag: KnownTag, extra: { code?: number; details?: string; status?: number; headers?: Record<string, string> } = {}): Answer {
  const base = graphError(tag, extra.code === undefined ? {} : { code: extra.code });
  const title = titles[tag] ?? base.message;
  const e = graphError(tag, {
    code: base.code,
    message: tag === "AccessTokenInvalid" ? "Invalid OAuth access token - Cannot parse access token" : `(#${base.code}) ${title}`,
    fbtraceId: randomBytes(8).toString("base64url"),
    ...(extra.details !== undefined && { details: extra.details }),
  });
  return {
    status: extra.status ?? catalogStatus.get(tag) ?? 400,
    body: encodeGraphError(e),
    ...(extra.headers !== undefined && { headers: extra.headers }),
  };
}

/** Meta's error envelope for any code: the catalog's row when known, a bare envelope otherwise. */
export function errorForCode(code: number, status?: number, details?: string): Answer {
  const row = lookupCode(code, undefined);
  if (row !== undefined) {
    return metaError(row.tag, { code, ...(status !== undefined && { status }), ...(details !== undefined && { details }) });
  }
  return {
    status: status ?? 400,
    body: { error: { message: `(#${code}) Error`, type: "OAuthException", code, ...(details !== undefined && { error_data: { messaging_product: "whatsapp", details } }), fbtrace_id: randomBytes(8).toString("base64url") } },
  };
}

/** 100 Invalid parameter, with `details`. */
export const invalidParameter = (details: string): Answer => metaError("InvalidParameter", { details });

/** The error object of a terminate webhook for `code`. */
export function webhookErrorFor(code: number, details?: string): WebhookErrorObject {
  const row = lookupCode(code, undefined);
  const base = row === undefined ? unknownError(code) : graphError(row.tag, { code });
  return encodeWebhookError({ ...base, ...(details !== undefined && { details }) });
}

/** The SDP the fake's users offer or answer with when none is given. */
export const fakeSdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
