/**
 * The error catalog: every code wacall knows, one row of data each.
 *
 * Everything else (the tag types, the decoder's lookup, the README error table, the tests'
 * expectations) is derived from this table. Adding a code Meta documents is one new row.
 *
 * @module
 */

/** The operations of the Calling API that wacall knows. */
export const operations = [
  "connect",
  "pre_accept",
  "accept",
  "reject",
  "terminate",
  "get_call_permissions",
  "send_call_permission_request",
  "get_settings",
  "update_settings",
] as const;

/** One operation of the Calling API, used to disambiguate reused error codes. */
export type Operation = (typeof operations)[number];

/** The closed set of error categories. */
export const categories = [
  "configuration",
  "permission",
  "recipient",
  "limit",
  "conflict",
  "connection",
  "account",
  "request",
  "authorization",
  "server",
  "unknown",
  "malformed",
] as const;

/** What kind of failure an error is, for coarse handling (e.g. alerting by category). */
export type Category = (typeof categories)[number];

/**
 * Retry advice, as data:
 * - `backoff`: retry the same request later, with backoff (or at `retryAt` when known: the value's
 *   advice is then `{ kind: "at", at }`);
 * - `after-current-call`: the same request may succeed once the user's current call has ended;
 * - `after-permission`: only after the user grants call permission;
 * - `after-fix`: only after the request, the settings or the account are fixed;
 * - `refresh-token`: only with a new access token;
 * - `never`: do not repeat this request.
 */
export const retryAdviceKinds = ["backoff", "after-current-call", "after-permission", "after-fix", "refresh-token", "never"] as const;

/** One of {@link retryAdviceKinds}. */
export type RetryAdviceKind = (typeof retryAdviceKinds)[number];

/** The retry advice a value carries: its catalog row's kind, or `at` when a backoff has a known time. */
export type RetryAdvice =
  | { readonly kind: "backoff" }
  | { readonly kind: "at"; readonly at: Date }
  | { readonly kind: "after-current-call" }
  | { readonly kind: "after-permission" }
  | { readonly kind: "after-fix" }
  | { readonly kind: "refresh-token" }
  | { readonly kind: "never" };

/** The advice of a row's kind, as a value type: `backoff` may become `at`. */
export type AdviceFor<K extends RetryAdviceKind> = K extends "backoff"
  ? { readonly kind: "backoff" } | { readonly kind: "at"; readonly at: Date }
  : Extract<RetryAdvice, { readonly kind: K }>;

/** The advice of the variant with tag `T`, literal per variant. */
export type AdviceOf<T extends KnownTag> = AdviceFor<Extract<CatalogEntry, { readonly tag: T }>["advice"]>;

/**
 * Whether advice of this kind means the same request may succeed later without a change on the
 * caller's side (what `retryable` says).
 *
 * @example
 * isRetryableAdvice("after-current-call"); // true
 */
export function isRetryableAdvice(kind: RetryAdviceKind | "at"): boolean {
  return kind === "backoff" || kind === "at" || kind === "after-current-call";
}

/**
 * Whether a client may repeat the request by itself: only `backoff` and `at` (never an `after-*`
 * kind, which needs something to happen first).
 *
 * @example
 * isAutomaticRetry({ kind: "after-current-call" }); // false
 */
export function isAutomaticRetry(advice: { readonly kind: string } | undefined): boolean {
  try {
    const kind = typeof advice === "object" && advice !== null ? advice.kind : undefined;
    return kind === "backoff" || kind === "at";
  } catch {
    return false;
  }
}

/** Where a code is delivered: as an HTTP error body (`sync`) or inside a webhook (`webhook`). */
export type Channel = "sync" | "webhook" | "sync+webhook";

/**
 * A code a row matches: a plain number, or a number that matches only for some operations
 * (Meta reuses a few codes; the operation decides).
 */
export type CodeRule = number | { readonly code: number; readonly when: readonly Operation[] };

/** The shape of one catalog row. */
export interface CatalogRow {
  /** The variant's `_tag`. */
  readonly tag: string;
  /** `calling` for the Calling API's own codes, `graph` for Graph codes a call pipeline meets. */
  readonly family: "calling" | "graph";
  /** The codes that decode to this variant. The first one is the documented code. */
  readonly codes: readonly CodeRule[];
  /**
   * The operations that can answer with this code (empty: delivered only in webhooks). A client
   * method's error type lists only the rows of its operation.
   */
  readonly operations: readonly Operation[];
  /** An inclusive range of codes that also decode to this variant (e.g. 200-299). */
  readonly range?: readonly [number, number];
  readonly category: Category;
  /** The HTTP status Meta documents for the code (never branch on it: branch on the tag). */
  readonly httpStatus: number;
  readonly channel: Channel;
  /**
   * What to do about a retry (see {@link RetryAdviceKind}). `retryable` is derived from it: true for
   * `backoff` and `after-current-call`, the kinds where the same request may succeed later
   * without a change on the caller's side.
   */
  readonly advice: RetryAdviceKind;
  /** Whether `error_data.details` carries the time a retry is allowed (read into `retryAt`). */
  readonly retryTimeInDetails?: boolean;
  /** One line: what happened. */
  readonly summary: string;
  /** One line: what the caller should do. */
  readonly remediation: string;
}

const exceptPermissionLookup = ["connect", "pre_accept", "accept", "reject", "terminate", "send_call_permission_request", "get_settings", "update_settings"] as const satisfies readonly Operation[];
const callActions = ["connect", "pre_accept", "accept", "reject", "terminate"] as const satisfies readonly Operation[];
const answerActions = ["connect", "pre_accept", "accept"] as const satisfies readonly Operation[];
const placeOrAsk = ["connect", "send_call_permission_request"] as const satisfies readonly Operation[];
const webhookOnly = [] as const satisfies readonly Operation[];

// Returned by a function marked pure so that a bundle which never reads the catalog drops it
// (bundlers count the spreads of the shared operation lists as possible side effects).
/**
 * Every known code. Rows with `family: "calling"` form the {@link CallingError} union; all rows
 * together (plus the three fallbacks) form {@link GraphError}.
 */
export const catalog = /* @__PURE__ */ (() => [
  // ── Calling API codes ──────────────────────────────────────────────────────────────────────
  {
    tag: "CallingNotEnabled", family: "calling", operations: [...callActions, "get_call_permissions", "send_call_permission_request"], codes: [138000], category: "configuration",
    httpStatus: 401, channel: "sync", advice: "after-fix",
    summary: "Calling is switched off on the business phone number.",
    remediation: "Enable calling in the phone number's call settings.",
  },
  {
    tag: "ReceiverUncallable", family: "calling", operations: placeOrAsk, codes: [138001], category: "recipient",
    httpStatus: 400, channel: "sync", advice: "never",
    summary: "The user cannot receive calls (not on WhatsApp, terms not accepted, or an unsupported client).",
    remediation: "Ask the user to update WhatsApp and agree to be contacted; do not retry as is.",
  },
  {
    tag: "ConcurrentCallsLimit", family: "calling", operations: answerActions, codes: [138002], category: "limit",
    httpStatus: 429, channel: "sync", advice: "backoff",
    summary: "The number already has the maximum of 1000 concurrent calls.",
    remediation: "Back off and retry when calls have ended.",
  },
  {
    tag: "DuplicateCall", family: "calling", operations: ["connect"], codes: [138003], category: "conflict",
    httpStatus: 400, channel: "sync", advice: "after-current-call",
    summary: "A call with this user is already in progress.",
    remediation: "Wait for the current call to end; after an ambiguous connect retry, the first attempt probably worked.",
  },
  {
    tag: "CallConnectionError", family: "calling", operations: callActions, codes: [138004], category: "connection",
    httpStatus: 500, channel: "sync", advice: "backoff",
    summary: "The call could not be connected.",
    remediation: "Retry later and check the connection parameters (SDP, ICE).",
  },
  {
    tag: "CallRateLimitExceeded", family: "calling", operations: ["connect"], codes: [138005], category: "limit",
    httpStatus: 429, channel: "sync", advice: "backoff",
    summary: "The number reached its limit of new calls (documented as 10,000 per 24 hours).",
    remediation: "Back off and lower the call rate.",
  },
  {
    tag: "CallPermissionNotFound", family: "calling", operations: ["connect"], codes: [138006], category: "permission",
    httpStatus: 401, channel: "sync", advice: "after-permission",
    summary: "The user has not granted, or no longer grants, permission to be called.",
    remediation: "Send a call permission request; do not retry the call.",
  },
  {
    tag: "CallConnectionTimeout", family: "calling", operations: answerActions, codes: [138007], category: "connection",
    httpStatus: 500, channel: "sync+webhook", advice: "never",
    summary: "The SDP offer/answer was applied too late (accept or connect came after the window).",
    remediation: "Accept within the 30-60 s window; place a new call rather than repeating this request.",
  },
  {
    tag: "CallPermissionRequestLimitHit", family: "calling", operations: ["send_call_permission_request"], codes: [138009], category: "limit",
    httpStatus: 400, channel: "sync", advice: "backoff",
    summary: "Too many call permission requests to this user (1 per 24 h, 2 per 7 days).",
    remediation: "Wait for the window to pass; a connected call resets the counters.",
  },
  {
    tag: "BusinessInitiatedCallsLimitHit", family: "calling", operations: ["connect"], codes: [138012], category: "limit",
    httpStatus: 400, channel: "sync", advice: "backoff", retryTimeInDetails: true,
    summary: "Too many connected business-initiated calls to this user in 24 hours.",
    remediation: "Retry at retryAt (parsed from the error details) when present.",
  },
  {
    tag: "FetchCallPermissionLimitHit", family: "calling", operations: ["get_call_permissions"],
    codes: [613, { code: 138013, when: ["get_call_permissions"] }], category: "limit",
    httpStatus: 429, channel: "sync", advice: "backoff",
    summary: "Too many call permission look-ups.",
    remediation: "Back off and cache permission state.",
  },
  {
    tag: "BusinessInitiatedCallingUnavailable", family: "calling", operations: placeOrAsk, codes: [138013], category: "configuration",
    httpStatus: 400, channel: "sync", advice: "never",
    summary: "Business-initiated calling is not available for this number (e.g. its country).",
    remediation: "Use user-initiated calls for this number; do not retry.",
  },
  {
    tag: "CallingTemporarilyDisabled", family: "calling", operations: [...callActions, "send_call_permission_request"], codes: [138014], category: "account",
    httpStatus: 400, channel: "sync", advice: "never",
    summary: "Calling was disabled for a while because of low call quality.",
    remediation: "Wait until the restriction is lifted (see the settings' restrictions) and improve call quality.",
  },
  {
    tag: "CallingRequiresMessagingLimit", family: "calling", operations: ["update_settings"], codes: [138015], category: "configuration",
    httpStatus: 400, channel: "sync", advice: "after-fix",
    summary: "Calling cannot be enabled: the messaging limit must be at least 2,000.",
    remediation: "Raise the number's messaging limit first.",
  },
  {
    tag: "PermanentCallPermissionExists", family: "calling", operations: ["send_call_permission_request"], codes: [138017], category: "permission",
    httpStatus: 400, channel: "sync", advice: "never",
    summary: "The user already granted permanent call permission; no request is needed.",
    remediation: "Treat as success: call the user.",
  },
  {
    tag: "CallingCannotBeEnabled", family: "calling", operations: ["update_settings"], codes: [138018], category: "configuration",
    httpStatus: 400, channel: "sync", advice: "after-fix",
    summary: "Calling cannot be enabled: no SIP configured and no app subscribed to the calls webhook.",
    remediation: "Configure SIP or subscribe an app to the calls webhook field.",
  },
  {
    tag: "CallSetupFailed", family: "calling", operations: webhookOnly, codes: [138019], category: "connection",
    httpStatus: 400, channel: "webhook", advice: "backoff",
    summary: "The user's WhatsApp client failed to set up the call.",
    remediation: "Place the call again later.",
  },
  {
    tag: "RelayConnectionFailed", family: "calling", operations: webhookOnly, codes: [138020], category: "connection",
    httpStatus: 400, channel: "webhook", advice: "backoff",
    summary: "The user's client could not reach the media relay.",
    remediation: "Place the call again later.",
  },
  {
    tag: "MediaReceiveTimeout", family: "calling", operations: webhookOnly, codes: [138021], category: "connection",
    httpStatus: 400, channel: "webhook", advice: "backoff",
    summary: "The client hung up after receiving no media for too long.",
    remediation: "Keep media (or RTCP during silence) flowing; place the call again.",
  },
  {
    tag: "MediaTransmitTimeout", family: "calling", operations: webhookOnly, codes: [138022], category: "connection",
    httpStatus: 400, channel: "webhook", advice: "backoff",
    summary: "The client hung up after being unable to send media for too long.",
    remediation: "Place the call again later.",
  },
  {
    tag: "CallTerminatedWithoutMedia", family: "calling", operations: webhookOnly, codes: [138023], category: "connection",
    httpStatus: 400, channel: "webhook", advice: "backoff",
    summary: "Accepted, but no media connection was ever seen; whether it connected is unknown.",
    remediation: "Place the call again later.",
  },
  {
    tag: "CallingPaymentMethodMissing", family: "calling", operations: webhookOnly, codes: [131044], category: "account",
    httpStatus: 400, channel: "webhook", advice: "after-fix",
    summary: "No valid payment method is attached to the business account.",
    remediation: "Attach a valid payment method.",
  },
  {
    tag: "SipNumberRejectsGraphCalling", family: "calling", operations: callActions, codes: [131055], category: "configuration",
    httpStatus: 400, channel: "sync", advice: "never",
    summary: "The number uses SIP; Graph calling endpoints are refused for it.",
    remediation: "Use SIP signalling for this number.",
  },
  {
    tag: "InvalidParameterValue", family: "calling", operations: operations, codes: [131009], category: "request",
    httpStatus: 400, channel: "sync", advice: "after-fix",
    summary: "A parameter value is invalid (e.g. a voice_call button the sender cannot use).",
    remediation: "Fix the request.",
  },
  {
    tag: "RecipientNotInAllowedList", family: "calling", operations: placeOrAsk, codes: [131030], category: "recipient",
    httpStatus: 400, channel: "sync", advice: "after-fix",
    summary: "Test number only: the recipient is not on the allowed list.",
    remediation: "Add the recipient to the test number's allowed list.",
  },
  {
    tag: "InvalidParameter", family: "calling", operations: operations, codes: [100], category: "request",
    httpStatus: 400, channel: "sync", advice: "after-fix",
    summary: "A parameter is invalid; SDP validation failures arrive this way.",
    remediation: "Fix the request; the details say what is wrong.",
  },
  // ── Other Graph codes a call pipeline meets ────────────────────────────────────────────────
  {
    tag: "AuthenticationFailed", family: "graph", operations: operations, codes: [0], category: "authorization",
    httpStatus: 401, channel: "sync", advice: "refresh-token",
    summary: "Authentication failed.",
    remediation: "Check the access token.",
  },
  {
    tag: "ApiUnknownError", family: "graph", operations: operations, codes: [1], category: "server",
    httpStatus: 500, channel: "sync", advice: "backoff",
    summary: "Graph reported an unknown error.",
    remediation: "Retry with backoff; report it if it persists.",
  },
  {
    tag: "ServiceTemporarilyUnavailable", family: "graph", operations: operations, codes: [2], category: "server",
    httpStatus: 503, channel: "sync", advice: "backoff",
    summary: "The API service is temporarily unavailable.",
    remediation: "Retry with backoff.",
  },
  {
    tag: "AppCapabilityMissing", family: "graph", operations: operations, codes: [3], category: "authorization",
    httpStatus: 500, channel: "sync", advice: "after-fix",
    summary: "The app lacks the capability or permission for this method.",
    remediation: "Grant the app the required capability.",
  },
  {
    tag: "AppRateLimit", family: "graph", operations: operations, codes: [4], category: "limit",
    httpStatus: 429, channel: "sync", advice: "backoff",
    summary: "The app-level API call rate limit was reached.",
    remediation: "Back off; spread calls over time.",
  },
  {
    tag: "PermissionDenied", family: "graph", operations: operations, codes: [10], category: "authorization",
    httpStatus: 403, channel: "sync", advice: "after-fix",
    summary: "The permission for this request is denied or not granted.",
    remediation: "Grant the token the needed permission.",
  },
  {
    tag: "UserRateLimit", family: "graph", operations: operations, codes: [17], category: "limit",
    httpStatus: 400, channel: "sync", advice: "backoff",
    summary: "The user-level API call rate limit was reached.",
    remediation: "Back off; spread calls over time.",
  },
  {
    tag: "AccessTokenInvalid", family: "graph", operations: operations, codes: [190], category: "authorization",
    httpStatus: 401, channel: "sync", advice: "refresh-token",
    summary: "The access token expired or is invalid.",
    remediation: "Obtain a new access token.",
  },
  {
    tag: "ApiPermissionMissing", family: "graph", operations: operations, codes: [200], range: [200, 299], category: "authorization",
    httpStatus: 403, channel: "sync", advice: "after-fix",
    summary: "An API permission is missing (codes 200-299).",
    remediation: "Grant the token the needed permission (e.g. whatsapp_business_messaging).",
  },
  {
    tag: "TemporarilyBlocked", family: "graph", operations: operations, codes: [368], category: "account",
    httpStatus: 403, channel: "sync", advice: "never",
    summary: "Temporarily blocked for policy violations.",
    remediation: "Wait for the block to end; review policy compliance.",
  },
  {
    tag: "ApiRateLimit", family: "graph", operations: exceptPermissionLookup, codes: [{ code: 613, when: exceptPermissionLookup }], category: "limit",
    httpStatus: 429, channel: "sync", advice: "backoff",
    summary: "Calls to this API exceeded the rate limit.",
    remediation: "Back off; spread calls over time.",
  },
  {
    tag: "BusinessAccountRateLimit", family: "graph", operations: operations, codes: [80007], category: "limit",
    httpStatus: 429, channel: "sync", advice: "backoff",
    summary: "The WhatsApp Business Account reached its rate limit.",
    remediation: "Back off; spread calls over time.",
  },
  {
    tag: "ThroughputLimit", family: "graph", operations: operations, codes: [130429], category: "limit",
    httpStatus: 429, channel: "sync", advice: "backoff",
    summary: "The Cloud API throughput limit was reached.",
    remediation: "Back off; spread calls over time.",
  },
  {
    tag: "SomethingWentWrong", family: "graph", operations: operations, codes: [131000], category: "server",
    httpStatus: 500, channel: "sync", advice: "backoff",
    summary: "Something went wrong on Meta's side (often transient).",
    remediation: "Retry with backoff.",
  },
  {
    tag: "AccessDenied", family: "graph", operations: operations, codes: [131005], category: "authorization",
    httpStatus: 403, channel: "sync", advice: "after-fix",
    summary: "Access denied.",
    remediation: "Check the token's permissions for this number.",
  },
  {
    tag: "RequiredParameterMissing", family: "graph", operations: operations, codes: [131008], category: "request",
    httpStatus: 400, channel: "sync", advice: "after-fix",
    summary: "A required parameter is missing.",
    remediation: "Fix the request.",
  },
  {
    tag: "ServiceUnavailable", family: "graph", operations: operations, codes: [131016], category: "server",
    httpStatus: 503, channel: "sync", advice: "backoff",
    summary: "The service is unavailable.",
    remediation: "Retry with backoff.",
  },
  {
    tag: "MessageUndeliverable", family: "graph", operations: ["send_call_permission_request"], codes: [131026], category: "recipient",
    httpStatus: 400, channel: "sync", advice: "never",
    summary: "The message could not be delivered (for permission requests: the user's app is too old).",
    remediation: "Ask the user to update WhatsApp.",
  },
  {
    tag: "AccountLocked", family: "graph", operations: operations, codes: [131031], category: "account",
    httpStatus: 403, channel: "sync", advice: "never",
    summary: "The business account is locked.",
    remediation: "Resolve the account lock in Business Manager.",
  },
  {
    tag: "PairRateLimit", family: "graph", operations: ["send_call_permission_request"], codes: [131056], category: "limit",
    httpStatus: 429, channel: "sync", advice: "backoff",
    summary: "Too many messages to the same user in a short time.",
    remediation: "Back off before messaging this user again.",
  },
] as const satisfies readonly CatalogRow[])();

/** One row of the catalog, with its literal types. */
export type CatalogEntry = (typeof catalog)[number];

/** The tag of every cataloged variant. */
export type KnownTag = CatalogEntry["tag"];

/** The tags of the Calling API's own variants. */
export type CallingTag = Extract<CatalogEntry, { readonly family: "calling" }>["tag"];

/** The category of the variant with tag `T`. */
export type CategoryOf<T extends KnownTag> = Extract<CatalogEntry, { readonly tag: T }>["category"];

/** The fallback tags: not in the catalog, always possible. */
export const fallbackTags = ["UnknownCallingError", "UnknownGraphError", "MalformedResponse"] as const;

/** Rows by tag, built on first use (no module-level work, so unused it bundles to nothing). */
let byTag: ReadonlyMap<string, CatalogEntry> | undefined;

/**
 * The catalog row of a tag.
 *
 * @example
 * catalogEntry("CallPermissionNotFound").remediation
 */
export function catalogEntry<T extends KnownTag>(tag: T): Extract<CatalogEntry, { readonly tag: T }> {
  byTag ??= new Map<string, CatalogEntry>(catalog.map((row) => [row.tag, row]));
  return byTag.get(tag) as Extract<CatalogEntry, { readonly tag: T }>;
}

/** The inclusive range of Calling API codes; an uncataloged code in it is `UnknownCallingError`. */
export const callingCodeRange = [138000, 138999] as const;
