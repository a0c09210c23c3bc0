/**
 * The SIP catalog: every SIP failure response Meta documents for numbers that use SIP, one row of
 * data each. A row either names the Graph variant it means the same as (`twin`), or defines a
 * variant of its own. The SIP variant types, the decoder's lookup and the README's SIP table are
 * derived from it.
 *
 * @module
 */
import type { Category, KnownTag, RetryAdviceKind } from "./catalog.js";

/** The shape of one SIP catalog row. */
export interface SipRow {
  /** The variant's `_tag`: the twin's tag, or a `Sip…` tag of its own. */
  readonly tag: string;
  /** The SIP status code. */
  readonly status: number;
  /**
   * Lower-case phrases, any of which in the reason phrase (or the `Warning` text) selects this row.
   * Empty: any response with this status not taken by a more specific row.
   */
  readonly phrases: readonly string[];
  /** The Graph variant with the same meaning, when there is one. */
  readonly twin?: KnownTag;
  readonly category: Category;
  /** Retry advice (a twin's must equal the twin's catalog row). `retryable` derives from it. */
  readonly advice: RetryAdviceKind;
  /** One line: what happened. */
  readonly summary: string;
  /** One line: what the caller should do. */
  readonly remediation: string;
}

/**
 * Every SIP failure Meta documents. More specific rows (with phrases) come before a status's
 * catch-all row; the first row that matches wins.
 */
export const sipCatalog = [
  {
    tag: "CallPermissionNotFound", twin: "CallPermissionNotFound", status: 403, phrases: ["no approved call permission"], category: "permission", advice: "after-permission",
    summary: "No approved call permission (also sent, on purpose, when the user is not on WhatsApp or has not accepted the terms).",
    remediation: "Send a call permission request; do not retry the call.",
  },
  {
    tag: "BusinessInitiatedCallsLimitHit", twin: "BusinessInitiatedCallsLimitHit", status: 403, phrases: ["per day limit", "call per day"], category: "limit", advice: "backoff",
    summary: "Too many connected business-initiated calls to this user in 24 hours.",
    remediation: "Call this user again after the 24-hour window.",
  },
  {
    tag: "DuplicateCall", twin: "DuplicateCall", status: 403, phrases: ["duplicate call"], category: "conflict", advice: "after-current-call",
    summary: "A call with this user is already in progress.",
    remediation: "Wait for the current call to end.",
  },
  {
    tag: "CallingPaymentMethodMissing", twin: "CallingPaymentMethodMissing", status: 403, phrases: ["payment"], category: "account", advice: "after-fix",
    summary: "A payment issue on the business account.",
    remediation: "Attach a valid payment method.",
  },
  {
    tag: "InvalidParameter", twin: "InvalidParameter", status: 403, phrases: ["sdp validation", "invalid sdp"], category: "request", advice: "after-fix",
    summary: "The INVITE's SDP did not validate.",
    remediation: "Fix the SDP; the reason phrase says what is wrong.",
  },
  {
    tag: "SipDigestAuthInvalid", status: 403, phrases: ["digest"], category: "authorization", advice: "after-fix",
    summary: "The digest authentication response is invalid.",
    remediation: "Check the SIP credentials of the number's SIP configuration.",
  },
  {
    tag: "SipServerNotConfigured", status: 403, phrases: ["does not match any sip server", "sip server"], category: "configuration", advice: "after-fix",
    summary: "The SIP server of the INVITE is not configured for the phone number.",
    remediation: "Add the server's host to the number's SIP settings, or send from a configured server.",
  },
  {
    tag: "SipAppNotAuthorized", status: 403, phrases: ["not authorized"], category: "authorization", advice: "after-fix",
    summary: "The app configured for the SIP server is not authorized for the phone number.",
    remediation: "Configure SIP for the number with an app that has access to it.",
  },
  {
    tag: "SipAssetNotFound", status: 400, phrases: [], category: "configuration", advice: "after-fix",
    summary: "The asset was not found: the From number is not a WhatsApp business number.",
    remediation: "Send the INVITE from the business phone number that has SIP configured.",
  },
  {
    tag: "SipNotFound", status: 404, phrases: [], category: "request", advice: "after-fix",
    summary: "Not found (e.g. an IP address in the request URI).",
    remediation: "Address the INVITE to Meta's SIP domain, not an IP address.",
  },
  {
    tag: "SipProxyAuthenticationRequired", status: 407, phrases: [], category: "authorization", advice: "after-fix",
    summary: "Digest authentication is mandatory.",
    remediation: "Answer the challenge with the SIP credentials of the number.",
  },
  {
    tag: "MediaReceiveTimeout", twin: "MediaReceiveTimeout", status: 408, phrases: ["rtp timeout", "rtp"], category: "connection", advice: "backoff",
    summary: "RTP timeout: no media for a long time.",
    remediation: "Keep media (or RTCP during silence) flowing; place the call again.",
  },
  {
    tag: "SipTemporarilyUnavailable", status: 480, phrases: [], category: "recipient", advice: "backoff",
    summary: "The user is not reachable or did not answer.",
    remediation: "Try again later.",
  },
  {
    tag: "SipUserDeclined", status: 486, phrases: [], category: "recipient", advice: "never",
    summary: "The user declined the call.",
    remediation: "Do not call again at once; let the user call back or ask in a message.",
  },
  {
    tag: "SipRequestTerminated", status: 487, phrases: [], category: "request", advice: "never",
    summary: "The business cancelled its INVITE.",
    remediation: "Nothing to do: the call was cancelled on purpose.",
  },
  {
    tag: "SipServiceUnavailable", status: 503, phrases: [], category: "server", advice: "backoff",
    summary: "A generic internal error on Meta's side.",
    remediation: "Retry with backoff.",
  },
] as const satisfies readonly SipRow[];

/** One row of the SIP catalog, with its literal types. */
export type SipEntry = (typeof sipCatalog)[number];

/** The tags of SIP rows that have a Graph twin. */
export type SipTwinTag = Extract<SipEntry, { readonly twin: string }>["tag"];

/** The tags of SIP variants of their own (no Graph twin). */
export type SipOnlyTag = Exclude<SipEntry, { readonly twin: string }>["tag"];
