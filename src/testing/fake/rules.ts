/**
 * Meta's rules for each request of the Calling API: routing, permissions, limits, duplicate calls,
 * the accept window, settings. Each rule reads and changes the state and returns Meta's answer.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import type { Operation } from "../../catalog.js";
import type { WebhookErrorObject } from "../../encode.js";
import { statusChange, terminateChange, type Change } from "../webhooks.js";
import { invalidParameter, metaError, type Answer } from "./envelopes.js";
import { DAY, WEEK, hasPermission, within, type FakeState } from "./state.js";
import type { FakeCall } from "./types.js";

/** What the rules need besides the state. */
export interface RulesContext {
  readonly state: FakeState;
  readonly clock: () => number;
  readonly phoneNumberId: string;
  /** The business's own number, as webhooks show it. */
  readonly business: string;
  readonly emit: (change: Change) => Promise<void>;
  readonly allowedList?: readonly string[];
  readonly messagingLimit?: number;
  readonly legacyLookupLimitCode?: boolean;
}

/** A request routed to its operation, with its answer still to compute (a fault may skip it). */
export interface Routed {
  readonly op: Operation | undefined;
  readonly answer: () => Answer;
}

/** The rules, bound to one state. */
export interface Rules {
  handle(method: string, parts: readonly string[], query: Readonly<Record<string, string>>, body: unknown): Routed;
  /** Ends a call; business-initiated calls that end unanswered count towards revocation. */
  finish(call: FakeCall): void;
  /** The terminate webhook of `call`. */
  terminateOf(call: FakeCall, status: string, errors?: readonly WebhookErrorObject[]): Change;
  newId(prefix: string): string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const ok = (body: unknown = { messaging_product: "whatsapp", success: true }): Answer => ({ status: 200, body });

/** Meta's rules over `ctx.state`. */
export function createRules(ctx: RulesContext): Rules {
  const { state, clock, phoneNumberId, business, emit } = ctx;
  const limits = state.limits;
  const newId = (prefix: string) => `${prefix}.${randomBytes(18).toString("base64url")}`;
  const activeWith = (user: string) => [...state.calls.values()].some((c) => c.user === user);

  function connect(body: Record<string, unknown>): Answer {
    if (!state.callingEnabled) return metaError("CallingNotEnabled");
    if (state.sip) return metaError("SipNumberRejectsGraphCalling");
    const user = typeof body["to"] === "string" ? body["to"] : typeof body["recipient"] === "string" ? body["recipient"] : undefined;
    if (user === undefined) return metaError("RequiredParameterMissing", { details: "to or recipient is required" });
    if (ctx.allowedList !== undefined && !ctx.allowedList.includes(user)) return metaError("RecipientNotInAllowedList");
    const session = body["session"];
    if (!isObject(session) || session["sdp_type"] !== "offer") return invalidParameter("session.sdp_type must be 'offer' for connect");
    const sdp = session["sdp"];
    if (typeof sdp !== "string" || !sdp.startsWith("v=0")) return invalidParameter("session.sdp is not a valid SDP");
    const opaque = body["biz_opaque_callback_data"];
    if (opaque !== undefined && (typeof opaque !== "string" || opaque.length > 512)) return invalidParameter("biz_opaque_callback_data is at most 512 characters");
    if (state.uncallable.has(user)) return metaError("ReceiverUncallable");
    const now = clock();
    if (!hasPermission(state, user, now)) return metaError("CallPermissionNotFound");
    if (activeWith(user)) return metaError("DuplicateCall");
    if (state.calls.size >= limits.concurrentCalls) return metaError("ConcurrentCallsLimit");
    const recent = within(state.connectedCalls.get(user) ?? [], now, DAY);
    if (recent.length >= limits.callsPerUserPerDay) {
      const nextAllowed = Math.ceil(((recent[0] ?? now) + DAY) / 1000);
      return metaError("BusinessInitiatedCallsLimitHit", { details: `Limit of ${limits.callsPerUserPerDay} connected calls per 24 hours reached. Next call allowed at ${nextAllowed}` });
    }
    state.newCalls = within(state.newCalls, now, DAY);
    if (state.newCalls.length >= limits.newCallsPerDay) return metaError("CallRateLimitExceeded");
    const id = newId("wacid");
    state.calls.set(id, { id, user, direction: "BUSINESS_INITIATED", state: "ringing", createdAt: now, ...(typeof opaque === "string" && { bizOpaqueCallbackData: opaque }) });
    state.sessions.set(id, { offer: sdp });
    state.newCalls.push(now);
    state.connectedCalls.set(user, [...recent, now]);
    state.permissionRequests.delete(user); // a connected call resets the request counters
    void emit(statusChange({ callId: id, status: "RINGING", recipientId: user, timestamp: now, phoneNumberId, ...(typeof opaque === "string" && { bizOpaqueCallbackData: opaque }) }));
    return ok({ messaging_product: "whatsapp", calls: [{ id }] });
  }

  function finish(call: FakeCall): void {
    state.calls.delete(call.id);
    state.sessions.delete(call.id);
    if (call.direction !== "BUSINESS_INITIATED") return;
    if (call.state === "accepted") {
      state.unanswered.delete(call.user);
      return;
    }
    const n = (state.unanswered.get(call.user) ?? 0) + 1;
    state.unanswered.set(call.user, n);
    if (n >= limits.unansweredCallsBeforeRevoke) {
      state.permissions.delete(call.user);
      state.unanswered.delete(call.user);
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
    if (!state.callingEnabled) return metaError("CallingNotEnabled");
    if (state.sip) return metaError("SipNumberRejectsGraphCalling");
    const id = body["call_id"];
    if (typeof id !== "string") return metaError("RequiredParameterMissing", { details: "call_id is required" });
    const call = state.calls.get(id);
    if (call === undefined) return invalidParameter(`call_id ${id.slice(0, 64)} is not an active call`);
    if (action === "terminate") {
      finish(call);
      void emit(terminateOf(call, "COMPLETED"));
      return ok();
    }
    if (call.direction !== "USER_INITIATED") return invalidParameter(`${action} applies to user-initiated calls`);
    if (action === "reject") {
      state.calls.delete(id);
      state.sessions.delete(id);
      return ok();
    }
    const session = body["session"];
    if (!isObject(session) || session["sdp_type"] !== "answer") return invalidParameter(`session.sdp_type must be 'answer' for ${action}`);
    const sdp = session["sdp"];
    if (typeof sdp !== "string" || !sdp.startsWith("v=0")) return invalidParameter("session.sdp is not a valid SDP");
    if (clock() - call.createdAt > limits.acceptWindowMs) {
      state.calls.delete(id);
      state.sessions.delete(id);
      return metaError("CallConnectionTimeout");
    }
    state.calls.set(id, { ...call, state: action === "accept" ? "accepted" : "pre_accepted" });
    state.sessions.set(id, { ...state.sessions.get(id), answer: sdp });
    return ok();
  }

  function getPermissions(query: Readonly<Record<string, string>>): Answer {
    const now = clock();
    state.lookups = within(state.lookups, now, 1000);
    if (state.lookups.length >= limits.permissionLookupsPerSecond) {
      return ctx.legacyLookupLimitCode === true
        ? metaError("FetchCallPermissionLimitHit", { code: 138013, status: 400 })
        : metaError("FetchCallPermissionLimitHit");
    }
    state.lookups.push(now);
    const user = query["user_wa_id"] ?? query["recipient"];
    if (user === undefined) return metaError("RequiredParameterMissing", { details: "user_wa_id or recipient is required" });
    if (!state.callingEnabled) return metaError("CallingNotEnabled");
    const p = state.permissions.get(user);
    const granted = hasPermission(state, user, now);
    const requests24 = within(state.permissionRequests.get(user) ?? [], now, DAY);
    const requests7d = within(state.permissionRequests.get(user) ?? [], now, WEEK);
    const calls24 = within(state.connectedCalls.get(user) ?? [], now, DAY);
    const reset = (times: number[], window: number) => Math.ceil(((times[0] ?? now) + window) / 1000);
    const limit = (period: string, max: number, used: number[], window: number) => ({
      time_period: period,
      max_allowed: max,
      current_usage: used.length,
      ...(used.length >= max && { limit_expiration_time: reset(used, window) }),
    });
    const canRequest = !(p?.permanent ?? false) && requests24.length < limits.permissionRequestsPerDay && requests7d.length < limits.permissionRequestsPerWeek;
    return ok({
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
    });
  }

  function sendMessage(body: Record<string, unknown>): Answer {
    const interactive = body["interactive"];
    if (body["type"] !== "interactive" || !isObject(interactive) || interactive["type"] !== "call_permission_request") {
      return invalidParameter("only interactive call_permission_request messages are supported by the fake");
    }
    const user = body["to"];
    if (typeof user !== "string") return metaError("RequiredParameterMissing", { details: "to is required" });
    if (!state.callingEnabled) return metaError("CallingNotEnabled");
    if (ctx.allowedList !== undefined && !ctx.allowedList.includes(user)) return metaError("RecipientNotInAllowedList");
    if (state.uncallable.has(user)) return metaError("ReceiverUncallable");
    if (state.permissions.get(user)?.permanent === true) return metaError("PermanentCallPermissionExists");
    const now = clock();
    const sent = within(state.permissionRequests.get(user) ?? [], now, WEEK);
    const day = within(sent, now, DAY);
    if (day.length >= limits.permissionRequestsPerDay || sent.length >= limits.permissionRequestsPerWeek) {
      return metaError("CallPermissionRequestLimitHit");
    }
    state.permissionRequests.set(user, [...sent, now]);
    return ok({ messaging_product: "whatsapp", contacts: [{ input: user, wa_id: user }], messages: [{ id: newId("wamid") }] });
  }

  function updateSettings(body: Record<string, unknown>): Answer {
    const calling = body["calling"];
    if (!isObject(calling)) return metaError("RequiredParameterMissing", { details: "calling is required" });
    if (calling["status"] === "ENABLED") {
      if ((ctx.messagingLimit ?? 100_000) < 2000) return metaError("CallingRequiresMessagingLimit");
    }
    state.settings = { ...state.settings, ...calling };
    if (calling["status"] === "ENABLED") state.callingEnabled = true;
    if (calling["status"] === "DISABLED") state.callingEnabled = false;
    return ok({ success: true });
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

  function handle(method: string, parts: readonly string[], query: Readonly<Record<string, string>>, body: unknown): Routed {
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
          return ok({ calling: state.settings });
        case "update_settings":
          return updateSettings(b);
      }
    };
    return { op, answer };
  }

  return { handle, finish, terminateOf, newId };
}
