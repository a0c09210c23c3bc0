/**
 * A fake Calling API on loopback: a real HTTP server that follows Meta's rules (permissions,
 * limits, duplicate calls, settings) and answers with Meta's exact envelopes, with faults that
 * can be scripted per request. For tests and demos without a Meta account.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { catalog, type KnownTag, type Operation } from "../catalog.js";
import { lookupCode } from "../internal/lookup.js";
import { encodeGraphError, encodeWebhookError, type WebhookErrorObject } from "../encode.js";
import { signBody } from "../webhook/signature.js";
import { connectChange, delivery, permissionReplyChange, statusChange, terminateChange, type Change } from "./webhooks.js";
import { graphError, unknownError } from "../errors.js";

/** A fault to inject into one or more requests instead of (or around) the normal answer. */
export type Fault =
  /** Wait, then answer normally. */
  | { readonly kind: "delay"; readonly ms: number }
  /** Never answer (until the server closes). */
  | { readonly kind: "hang" }
  /** Drop the connection before the request is processed (no state change). */
  | { readonly kind: "reset-before-processing" }
  /** Process the request (state changes, e.g. the call is placed), then drop the connection. */
  | { readonly kind: "reset-after-processing" }
  /** Process, send the headers and half of the body, then drop the connection. */
  | { readonly kind: "reset-mid-response" }
  /** Answer with a proxy's HTML error page (not processed). */
  | { readonly kind: "html"; readonly status?: number }
  /** Process, then answer 200 with the first half of the JSON body. */
  | { readonly kind: "truncated-json" }
  /** Answer 200 `{"success": false}` (not processed). */
  | { readonly kind: "success-false" }
  /** Answer 429 with `Retry-After` and a rate-limit error (default code 130429). */
  | { readonly kind: "rate-limit"; readonly retryAfterSeconds: number; readonly code?: number }
  /** Answer with Meta's error for `code` (status from the catalog unless given). */
  | { readonly kind: "error"; readonly code: number; readonly status?: number; readonly details?: string };

/** Limits the fake enforces; Meta's documented values by default. */
export interface FakeLimits {
  /** @default 1000 */
  readonly concurrentCalls?: number;
  /** Connected business-initiated calls per user per 24 h. @default 100 */
  readonly callsPerUserPerDay?: number;
  /** New calls per business number per 24 h. @default 10000 */
  readonly newCallsPerDay?: number;
  /** @default 1 */
  readonly permissionRequestsPerDay?: number;
  /** @default 2 */
  readonly permissionRequestsPerWeek?: number;
  /** @default 100 */
  readonly permissionLookupsPerSecond?: number;
  /** Time the business has to accept a user-initiated call. @default 60000 */
  readonly acceptWindowMs?: number;
  /** Business-initiated calls in a row that end unanswered before the permission is revoked. @default 4 */
  readonly unansweredCallsBeforeRevoke?: number;
}

/** Options of {@link startFakeCallingApi}. */
export interface FakeCallingApiOptions {
  /** @default "fake-access-token" */
  readonly accessToken?: string;
  /** @default "1234567890" */
  readonly phoneNumberId?: string;
  /** Epoch milliseconds; `Date.now` by default. Inject one to move time in tests. */
  readonly clock?: () => number;
  readonly limits?: FakeLimits;
  /** @default true */
  readonly callingEnabled?: boolean;
  /** A SIP number refuses Graph calling (131055). @default false */
  readonly sip?: boolean;
  /** The number's messaging limit; calling needs at least 2,000. @default 100000 */
  readonly messagingLimit?: number;
  /** Public test numbers only call users on this list (131030). */
  readonly allowedList?: readonly string[];
  /** Answer the permission look-up limit with the pre-2025 code 138013 instead of 613. */
  readonly legacyLookupLimitCode?: boolean;
  /** Where to send signed calls webhooks, as Meta would (escaped-unicode JSON, `X-Hub-Signature-256`). */
  readonly webhook?: { readonly url: string; readonly appSecret: string };
}

/** A webhook delivery the fake sent, and how the receiver answered (0: no answer). */
export interface SentWebhook {
  readonly body: unknown;
  readonly status: number;
}

/** One request the fake received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly operation: Operation | undefined;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Whether the bearer token matched (the token itself is not recorded). */
  readonly authorized: boolean;
  readonly at: number;
  readonly fault?: Fault["kind"];
}

/** A call the fake knows. */
export interface FakeCall {
  readonly id: string;
  readonly user: string;
  readonly direction: "BUSINESS_INITIATED" | "USER_INITIATED";
  readonly state: "ringing" | "pre_accepted" | "accepted";
  readonly createdAt: number;
  readonly bizOpaqueCallbackData?: string;
}

/** The running fake, its controls and what it recorded. */
export interface FakeCallingApi {
  /** Base URL for the client's `baseUrl` (`http://127.0.0.1:<port>`). */
  readonly url: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
  /** Grants call permission (temporary for 7 days unless `permanent` or `expiresAt`). */
  grantPermission(user: string, options?: { readonly permanent?: boolean; readonly expiresAt?: number }): void;
  revokePermission(user: string): void;
  /** Makes a user unreachable for calls (138001). */
  markUncallable(user: string): void;
  setCallingEnabled(enabled: boolean): void;
  setSip(sip: boolean): void;
  /** A user calls the business: returns the call id to pre-accept / accept. */
  incomingCall(from: string): string;
  /** Forgets a call (no webhook, not counted as unanswered). */
  endCall(callId: string): void;
  /** Injects a fault into the next `times` requests (of `operation`, if given). */
  fault(fault: Fault, options?: { readonly operation?: Operation; readonly times?: number }): void;
  /** Drops every scripted fault not used yet. */
  clearFaults(): void;
  readonly calls: () => readonly FakeCall[];
  readonly requests: readonly RecordedRequest[];
  /** The user picks up a business-initiated call: status ACCEPTED, then connect with the SDP answer. */
  userAnswers(callId: string, sdpAnswer?: string): Promise<void>;
  /** The user declines a business-initiated call: status REJECTED, then terminate REJECTED. */
  userRejects(callId: string): Promise<void>;
  /** The call ends: terminate COMPLETED, or FAILED with the error of `errorCode` (e.g. 138021). */
  hangUp(callId: string, options?: { readonly errorCode?: number; readonly details?: string }): Promise<void>;
  /** The user answers a permission request; accepting grants the permission. */
  replyToPermissionRequest(user: string, response: "accept" | "reject", options?: { readonly permanent?: boolean }): Promise<void>;
  /** Sends any delivery, signed. */
  sendWebhook(body: unknown): Promise<void>;
  /** Resolves when every webhook sent so far has been answered. */
  webhooksIdle(): Promise<void>;
  readonly webhooks: readonly SentWebhook[];
  /** Stops the server and drops open connections (hung requests included). */
  close(): Promise<void>;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;

type Answer = { readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> };

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

function metaError(tag: KnownTag, extra: { code?: number; details?: string; status?: number; headers?: Record<string, string> } = {}): Answer {
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

const catalogStatus = new Map<string, number>(catalog.map((r) => [r.tag, r.httpStatus]));

const errorForCode = (code: number, status?: number, details?: string): Answer => {
  const row = lookupCode(code, undefined);
  if (row !== undefined) {
    return metaError(row.tag, { code, ...(status !== undefined && { status }), ...(details !== undefined && { details }) });
  }
  return {
    status: status ?? 400,
    body: { error: { message: `(#${code}) Error`, type: "OAuthException", code, ...(details !== undefined && { error_data: { messaging_product: "whatsapp", details } }), fbtrace_id: randomBytes(8).toString("base64url") } },
  };
};

const fakeSdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

function webhookErrorFor(code: number, details?: string): WebhookErrorObject {
  const row = lookupCode(code, undefined);
  const base = row === undefined ? unknownError(code) : graphError(row.tag, { code });
  return encodeWebhookError({ ...base, ...(details !== undefined && { details }) });
}

const invalidParameter = (details: string): Answer => metaError("InvalidParameter", { details });

function within(times: number[], now: number, window: number): number[] {
  return times.filter((t) => now - t < window);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Starts a fake Calling API on `127.0.0.1` (a free port).
 *
 * @example
 * const fake = await startFakeCallingApi();
 * const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });
 * fake.grantPermission("15551234567");
 * await client.connect({ to: "15551234567", sdp: sdpOffer("v=0\r\n…") });
 * await fake.close();
 */
export async function startFakeCallingApi(options: FakeCallingApiOptions = {}): Promise<FakeCallingApi> {
  const accessToken = options.accessToken ?? "fake-access-token";
  const phoneNumberId = options.phoneNumberId ?? "1234567890";
  const clock = options.clock ?? Date.now;
  const limits = {
    concurrentCalls: options.limits?.concurrentCalls ?? 1000,
    callsPerUserPerDay: options.limits?.callsPerUserPerDay ?? 100,
    newCallsPerDay: options.limits?.newCallsPerDay ?? 10_000,
    permissionRequestsPerDay: options.limits?.permissionRequestsPerDay ?? 1,
    permissionRequestsPerWeek: options.limits?.permissionRequestsPerWeek ?? 2,
    permissionLookupsPerSecond: options.limits?.permissionLookupsPerSecond ?? 100,
    acceptWindowMs: options.limits?.acceptWindowMs ?? 60_000,
    unansweredCallsBeforeRevoke: options.limits?.unansweredCallsBeforeRevoke ?? 4,
  };
  const unanswered = new Map<string, number>();
  let callingEnabled = options.callingEnabled ?? true;
  let sip = options.sip ?? false;
  let settings: Record<string, unknown> = { status: callingEnabled ? "ENABLED" : "DISABLED", call_icon_visibility: "DEFAULT", srtp_key_exchange_protocol: "DTLS" };
  const permissions = new Map<string, { permanent: boolean; expiresAt?: number }>();
  const uncallable = new Set<string>();
  const permissionRequests = new Map<string, number[]>();
  const connectedCalls = new Map<string, number[]>();
  let newCalls: number[] = [];
  let lookups: number[] = [];
  const calls = new Map<string, FakeCall>();
  const faults: { fault: Fault; operation: Operation | undefined; remaining: number }[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const webhooks: SentWebhook[] = [];
  const pending = new Set<Promise<void>>();
  const business = "15550009999";

  /** Meta signs an escaped-unicode serialization; the fake does the same. */
  const serialize = (body: unknown) =>
    JSON.stringify(body).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

  function sendWebhook(body: unknown): Promise<void> {
    const target = options.webhook;
    if (target === undefined) return Promise.resolve();
    const text = serialize(body);
    const p = signBody(text, target.appSecret)
      .then((signature) => fetch(target.url, { method: "POST", body: text, headers: { "content-type": "application/json", "x-hub-signature-256": signature } }))
      .then(
        async (res) => {
          await res.arrayBuffer();
          webhooks.push({ body, status: res.status });
        },
        () => void webhooks.push({ body, status: 0 }),
      );
    pending.add(p);
    return p.finally(() => pending.delete(p));
  }
  const emit = (change: Change) => sendWebhook(delivery([change]));

  const hasPermission = (user: string) => {
    const p = permissions.get(user);
    return p !== undefined && (p.permanent || (p.expiresAt ?? 0) > clock());
  };
  const activeWith = (user: string) => [...calls.values()].some((c) => c.user === user);
  const newId = (prefix: string) => `${prefix}.${randomBytes(18).toString("base64url")}`;

  function connect(body: Record<string, unknown>): Answer {
    if (!callingEnabled) return metaError("CallingNotEnabled");
    if (sip) return metaError("SipNumberRejectsGraphCalling");
    const user = typeof body["to"] === "string" ? body["to"] : typeof body["recipient"] === "string" ? body["recipient"] : undefined;
    if (user === undefined) return metaError("RequiredParameterMissing", { details: "to or recipient is required" });
    if (options.allowedList !== undefined && !options.allowedList.includes(user)) return metaError("RecipientNotInAllowedList");
    const session = body["session"];
    if (!isObject(session) || session["sdp_type"] !== "offer") return invalidParameter("session.sdp_type must be 'offer' for connect");
    if (typeof session["sdp"] !== "string" || !session["sdp"].startsWith("v=0")) return invalidParameter("session.sdp is not a valid SDP");
    const opaque = body["biz_opaque_callback_data"];
    if (opaque !== undefined && (typeof opaque !== "string" || opaque.length > 512)) return invalidParameter("biz_opaque_callback_data is at most 512 characters");
    if (uncallable.has(user)) return metaError("ReceiverUncallable");
    if (!hasPermission(user)) return metaError("CallPermissionNotFound");
    if (activeWith(user)) return metaError("DuplicateCall");
    if (calls.size >= limits.concurrentCalls) return metaError("ConcurrentCallsLimit");
    const now = clock();
    const recent = within(connectedCalls.get(user) ?? [], now, DAY);
    if (recent.length >= limits.callsPerUserPerDay) {
      const nextAllowed = Math.ceil(((recent[0] ?? now) + DAY) / 1000);
      return metaError("BusinessInitiatedCallsLimitHit", { details: `Limit of ${limits.callsPerUserPerDay} connected calls per 24 hours reached. Next call allowed at ${nextAllowed}` });
    }
    newCalls = within(newCalls, now, DAY);
    if (newCalls.length >= limits.newCallsPerDay) return metaError("CallRateLimitExceeded");
    const id = newId("wacid");
    calls.set(id, { id, user, direction: "BUSINESS_INITIATED", state: "ringing", createdAt: now, ...(typeof opaque === "string" && { bizOpaqueCallbackData: opaque }) });
    newCalls.push(now);
    connectedCalls.set(user, [...recent, now]);
    permissionRequests.delete(user); // a connected call resets the request counters
    void emit(statusChange({ callId: id, status: "RINGING", recipientId: user, timestamp: now, phoneNumberId, ...(typeof opaque === "string" && { bizOpaqueCallbackData: opaque }) }));
    return { status: 200, body: { messaging_product: "whatsapp", calls: [{ id }] } };
  }

  /** Ends a call; business-initiated calls that end unanswered count towards revocation. */
  function finish(call: FakeCall): void {
    calls.delete(call.id);
    if (call.direction !== "BUSINESS_INITIATED") return;
    if (call.state === "accepted") {
      unanswered.delete(call.user);
      return;
    }
    const n = (unanswered.get(call.user) ?? 0) + 1;
    unanswered.set(call.user, n);
    if (n >= limits.unansweredCallsBeforeRevoke) {
      permissions.delete(call.user);
      unanswered.delete(call.user);
    }
  }

  function terminateOf(call: FakeCall, status: string, errors: readonly WebhookErrorObject[] = []): Change {
    const now = clock();
    const outbound = call.direction === "BUSINESS_INITIATED";
    const connected = call.state === "accepted";
    return terminateChange({
      callId: call.id,
      from: outbound ? business : call.user,
      to: outbound ? call.user : business,
      direction: call.direction,
      timestamp: now,
      status,
      ...(connected && { startTime: call.createdAt, endTime: now, duration: Math.max(0, Math.round((now - call.createdAt) / 1000)) }),
      errors,
      ...(call.bizOpaqueCallbackData !== undefined && { bizOpaqueCallbackData: call.bizOpaqueCallbackData }),
      phoneNumberId,
    });
  }

  function callAction(action: "pre_accept" | "accept" | "reject" | "terminate", body: Record<string, unknown>): Answer {
    if (!callingEnabled) return metaError("CallingNotEnabled");
    if (sip) return metaError("SipNumberRejectsGraphCalling");
    const id = body["call_id"];
    if (typeof id !== "string") return metaError("RequiredParameterMissing", { details: "call_id is required" });
    const call = calls.get(id);
    if (call === undefined) return invalidParameter(`call_id ${id.slice(0, 64)} is not an active call`);
    if (action === "terminate") {
      finish(call);
      void emit(terminateOf(call, "COMPLETED"));
      return { status: 200, body: { messaging_product: "whatsapp", success: true } };
    }
    if (call.direction !== "USER_INITIATED") return invalidParameter(`${action} applies to user-initiated calls`);
    if (action === "reject") {
      calls.delete(id);
      return { status: 200, body: { messaging_product: "whatsapp", success: true } };
    }
    const session = body["session"];
    if (!isObject(session) || session["sdp_type"] !== "answer") return invalidParameter(`session.sdp_type must be 'answer' for ${action}`);
    if (typeof session["sdp"] !== "string" || !session["sdp"].startsWith("v=0")) return invalidParameter("session.sdp is not a valid SDP");
    if (clock() - call.createdAt > limits.acceptWindowMs) {
      calls.delete(id);
      return metaError("CallConnectionTimeout");
    }
    calls.set(id, { ...call, state: action === "accept" ? "accepted" : "pre_accepted" });
    return { status: 200, body: { messaging_product: "whatsapp", success: true } };
  }

  function getPermissions(query: Record<string, string>): Answer {
    const now = clock();
    lookups = within(lookups, now, 1000);
    if (lookups.length >= limits.permissionLookupsPerSecond) {
      return options.legacyLookupLimitCode === true
        ? metaError("FetchCallPermissionLimitHit", { code: 138013, status: 400 })
        : metaError("FetchCallPermissionLimitHit");
    }
    lookups.push(now);
    const user = query["user_wa_id"] ?? query["recipient"];
    if (user === undefined) return metaError("RequiredParameterMissing", { details: "user_wa_id or recipient is required" });
    if (!callingEnabled) return metaError("CallingNotEnabled");
    const p = permissions.get(user);
    const granted = hasPermission(user);
    const requests24 = within(permissionRequests.get(user) ?? [], now, DAY);
    const requests7d = within(permissionRequests.get(user) ?? [], now, WEEK);
    const calls24 = within(connectedCalls.get(user) ?? [], now, DAY);
    const reset = (times: number[], window: number) => Math.ceil(((times[0] ?? now) + window) / 1000);
    const limit = (period: string, max: number, used: number[], window: number) => ({
      time_period: period,
      max_allowed: max,
      current_usage: used.length,
      ...(used.length >= max && { limit_expiration_time: reset(used, window) }),
    });
    const canRequest = !(p?.permanent ?? false) && requests24.length < limits.permissionRequestsPerDay && requests7d.length < limits.permissionRequestsPerWeek;
    return {
      status: 200,
      body: {
        messaging_product: "whatsapp",
        permission: {
          status: !granted ? "no_permission" : p?.permanent === true ? "permanent" : "temporary",
          ...(granted && p?.permanent !== true && p?.expiresAt !== undefined && { expiration_time: Math.floor(p.expiresAt / 1000) }),
        },
        actions: [
          {
            action_name: "send_call_permission_request",
            can_perform_action: canRequest,
            limits: [limit("PT24H", limits.permissionRequestsPerDay, requests24, DAY), limit("P7D", limits.permissionRequestsPerWeek, requests7d, WEEK)],
          },
          {
            action_name: "start_call",
            can_perform_action: granted && calls24.length < limits.callsPerUserPerDay,
            limits: [limit("PT24H", limits.callsPerUserPerDay, calls24, DAY)],
          },
        ],
      },
    };
  }

  function sendMessage(body: Record<string, unknown>): Answer {
    const interactive = body["interactive"];
    if (body["type"] !== "interactive" || !isObject(interactive) || interactive["type"] !== "call_permission_request") {
      return invalidParameter("only interactive call_permission_request messages are supported by the fake");
    }
    const user = body["to"];
    if (typeof user !== "string") return metaError("RequiredParameterMissing", { details: "to is required" });
    if (!callingEnabled) return metaError("CallingNotEnabled");
    if (options.allowedList !== undefined && !options.allowedList.includes(user)) return metaError("RecipientNotInAllowedList");
    if (uncallable.has(user)) return metaError("ReceiverUncallable");
    if (permissions.get(user)?.permanent === true) return metaError("PermanentCallPermissionExists");
    const now = clock();
    const sent = within(permissionRequests.get(user) ?? [], now, WEEK);
    const day = within(sent, now, DAY);
    if (day.length >= limits.permissionRequestsPerDay || sent.length >= limits.permissionRequestsPerWeek) {
      return metaError("CallPermissionRequestLimitHit");
    }
    permissionRequests.set(user, [...sent, now]);
    return { status: 200, body: { messaging_product: "whatsapp", contacts: [{ input: user, wa_id: user }], messages: [{ id: newId("wamid") }] } };
  }

  function updateSettings(body: Record<string, unknown>): Answer {
    const calling = body["calling"];
    if (!isObject(calling)) return metaError("RequiredParameterMissing", { details: "calling is required" });
    if (calling["status"] === "ENABLED") {
      if ((options.messagingLimit ?? 100_000) < 2000) return metaError("CallingRequiresMessagingLimit");
    }
    settings = { ...settings, ...calling };
    if (calling["status"] === "ENABLED") callingEnabled = true;
    if (calling["status"] === "DISABLED") callingEnabled = false;
    return { status: 200, body: { success: true } };
  }

  function route(method: string, parts: readonly string[]): Operation | "unknown-path" | "wrong-number" {
    // parts: [version, phoneNumberId, resource]
    if (parts.length !== 3) return "unknown-path";
    if (parts[1] !== phoneNumberId) return "wrong-number";
    const resource = parts[2];
    if (resource === "calls" && method === "POST") return "connect"; // refined from the body
    if (resource === "call_permissions" && method === "GET") return "get_call_permissions";
    if (resource === "messages" && method === "POST") return "send_call_permission_request";
    if (resource === "settings") return method === "GET" ? "get_settings" : "update_settings";
    return "unknown-path";
  }

  function takeFault(op: Operation | undefined): Fault | undefined {
    const i = faults.findIndex((f) => f.operation === undefined || f.operation === op);
    if (i === -1) return undefined;
    const entry = faults[i];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) faults.splice(i, 1);
    return entry.fault;
  }

  function handle(method: string, parts: readonly string[], query: Record<string, string>, body: unknown): { op: Operation | undefined; answer: () => Answer } {
    const r = route(method, parts);
    if (r === "unknown-path") return { op: undefined, answer: () => invalidParameter(`Unsupported ${method.toLowerCase()} request`) };
    if (r === "wrong-number") return { op: undefined, answer: () => invalidParameter(`Object with ID '${(parts[1] ?? "").slice(0, 64)}' does not exist`) };
    let op: Operation = r;
    if (r === "connect") {
      const action = isObject(body) ? body["action"] : undefined;
      if (action === "pre_accept" || action === "accept" || action === "reject" || action === "terminate") op = action;
      else if (action !== "connect") return { op: undefined, answer: () => invalidParameter("action must be connect, pre_accept, accept, reject or terminate") };
    }
    const b = isObject(body) ? body : {};
    const answer = (): Answer => {
      switch (op) {
        case "connect":
          return connect(b);
        case "pre_accept":
        case "accept":
        case "reject":
        case "terminate":
          return callAction(op, b);
        case "get_call_permissions":
          return getPermissions(query);
        case "send_call_permission_request":
          return sendMessage(b);
        case "get_settings":
          return { status: 200, body: { calling: settings } };
        case "update_settings":
          return updateSettings(b);
      }
    };
    return { op, answer };
  }

  function send(res: ServerResponse, a: Answer): void {
    const text = typeof a.body === "string" ? a.body : JSON.stringify(a.body);
    res.writeHead(a.status, { "content-type": typeof a.body === "string" ? "text/html; charset=utf-8" : "application/json", ...a.headers });
    res.end(text);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const parts = url.pathname.split("/").filter((p) => p !== "");
      const query = Object.fromEntries(url.searchParams);
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = undefined;
      let badJson = false;
      if (raw !== "") {
        try {
          body = JSON.parse(raw);
        } catch {
          badJson = true;
        }
      }
      const authorized = req.headers.authorization === `Bearer ${accessToken}`;
      const { op, answer } = handle(req.method ?? "GET", parts, query, body);
      const fault = takeFault(op);
      requests.push({ method: req.method ?? "GET", path: url.pathname, operation: op, query, body, authorized, at: clock(), ...(fault !== undefined && { fault: fault.kind }) });

      const normal = (): Answer => {
        if (!authorized) return metaError("AccessTokenInvalid");
        if (badJson) return invalidParameter("The request body is not valid JSON");
        return answer();
      };
      if (fault === undefined) return send(res, normal());
      switch (fault.kind) {
        case "delay":
          setTimeout(() => {
            if (!res.destroyed) send(res, normal());
          }, fault.ms);
          return;
        case "hang":
          return;
        case "reset-before-processing":
          req.socket.destroy();
          return;
        case "reset-after-processing":
          normal();
          req.socket.destroy();
          return;
        case "reset-mid-response": {
          const a = normal();
          const text = JSON.stringify(a.body);
          res.writeHead(a.status, { "content-type": "application/json", "content-length": String(text.length) });
          res.write(text.slice(0, Math.floor(text.length / 2)));
          setTimeout(() => req.socket.destroy(), 5);
          return;
        }
        case "html":
          return send(res, { status: fault.status ?? 502, body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>" });
        case "truncated-json": {
          const a = normal();
          const text = JSON.stringify(a.body);
          res.writeHead(200, { "content-type": "application/json" });
          res.end(text.slice(0, Math.floor(text.length / 2)));
          return;
        }
        case "success-false":
          return send(res, { status: 200, body: { success: false } });
        case "rate-limit":
          return send(res, { ...errorForCode(fault.code ?? 130429, 429), headers: { "retry-after": String(fault.retryAfterSeconds) } });
        case "error":
          return send(res, errorForCode(fault.code, fault.status, fault.details));
      }
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accessToken,
    phoneNumberId,
    grantPermission(user, o = {}) {
      permissions.set(user, o.permanent === true ? { permanent: true } : { permanent: false, expiresAt: o.expiresAt ?? clock() + WEEK });
    },
    revokePermission(user) {
      permissions.delete(user);
    },
    markUncallable(user) {
      uncallable.add(user);
    },
    setCallingEnabled(enabled) {
      callingEnabled = enabled;
      settings = { ...settings, status: enabled ? "ENABLED" : "DISABLED" };
    },
    setSip(value) {
      sip = value;
    },
    incomingCall(from) {
      const id = newId("wacid");
      const now = clock();
      calls.set(id, { id, user: from, direction: "USER_INITIATED", state: "ringing", createdAt: now });
      void emit(connectChange({ callId: id, from, to: business, direction: "USER_INITIATED", timestamp: now, sdp: { type: "offer", sdp: fakeSdp }, phoneNumberId }));
      return id;
    },
    endCall(callId) {
      calls.delete(callId);
    },
    async userAnswers(callId, sdpAnswer = fakeSdp) {
      const call = calls.get(callId);
      if (call === undefined || call.direction !== "BUSINESS_INITIATED") return;
      calls.set(callId, { ...call, state: "accepted" });
      const now = clock();
      const opaque = call.bizOpaqueCallbackData === undefined ? {} : { bizOpaqueCallbackData: call.bizOpaqueCallbackData };
      await emit(statusChange({ callId, status: "ACCEPTED", recipientId: call.user, timestamp: now, phoneNumberId, ...opaque }));
      await emit(connectChange({ callId, from: business, to: call.user, direction: "BUSINESS_INITIATED", timestamp: now, sdp: { type: "answer", sdp: sdpAnswer }, phoneNumberId, ...opaque }));
    },
    async userRejects(callId) {
      const call = calls.get(callId);
      if (call === undefined) return;
      calls.delete(callId);
      const opaque = call.bizOpaqueCallbackData === undefined ? {} : { bizOpaqueCallbackData: call.bizOpaqueCallbackData };
      await emit(statusChange({ callId, status: "REJECTED", recipientId: call.user, timestamp: clock(), phoneNumberId, ...opaque }));
      await emit(terminateOf(call, "REJECTED"));
    },
    async hangUp(callId, o = {}) {
      const call = calls.get(callId);
      if (call === undefined) return;
      finish(call);
      const errors = o.errorCode === undefined ? [] : [webhookErrorFor(o.errorCode, o.details)];
      await emit(terminateOf(call, errors.length === 0 ? "COMPLETED" : "FAILED", errors));
    },
    async replyToPermissionRequest(user, response, o = {}) {
      const now = clock();
      if (response === "accept") {
        permissions.set(user, o.permanent === true ? { permanent: true } : { permanent: false, expiresAt: now + WEEK });
      }
      await emit(
        permissionReplyChange({
          from: user,
          messageId: newId("wamid"),
          timestamp: now,
          response,
          isPermanent: o.permanent === true,
          ...(response === "accept" && o.permanent !== true && { expiresAt: now + WEEK }),
          phoneNumberId,
        }),
      );
    },
    sendWebhook,
    webhooksIdle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    webhooks,
    fault(fault, o = {}) {
      faults.push({ fault, operation: o.operation, remaining: o.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    calls: () => [...calls.values()],
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
