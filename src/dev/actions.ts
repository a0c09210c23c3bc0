/**
 * What the console's page can ask for, read from untrusted JSON, and carried out through the
 * fake's own controls: the same rules and fault scripts the tests use.
 *
 * @module
 */
import { catalog, type Operation } from "../catalog.js";
import type { FakeCore } from "../testing/fake/core.js";
import type { Fault } from "../testing/fake/faults.js";
import type { ResolvedLimits } from "../testing/fake/state.js";

/** The terminate failures a user's side can end a call with. */
export const terminateFailures = [138019, 138020, 138021, 138022, 138023, 131044] as const;

/** The transport faults (no Graph error body). */
export const transportFaults = ["reset-before-processing", "reset-after-processing", "reset-mid-response", "hang", "html", "truncated-json", "success-false"] as const;

const operations: readonly Operation[] = ["connect", "pre_accept", "accept", "reject", "terminate", "get_call_permissions", "send_call_permission_request", "get_settings", "update_settings"];

const limitNames: readonly (keyof ResolvedLimits)[] = [
  "concurrentCalls",
  "callsPerUserPerDay",
  "newCallsPerDay",
  "permissionRequestsPerDay",
  "permissionRequestsPerWeek",
  "permissionLookupsPerSecond",
  "acceptWindowMs",
  "unansweredCallsBeforeRevoke",
];

/** Every code the catalog knows, for the page's fault picker. */
export const catalogCodes: readonly { readonly code: number; readonly tag: string }[] = catalog
  .flatMap((r) => r.codes.map((c) => ({ code: typeof c === "number" ? c : c.code, tag: r.tag as string })))
  .filter((r, i, all) => all.findIndex((o) => o.code === r.code) === i)
  .sort((a, b) => a.code - b.code);

/** One request of the page. */
export type Action =
  | { readonly action: "add-user"; readonly user: string }
  | { readonly action: "reply-permission"; readonly user: string; readonly response: "accept" | "reject"; readonly permanent: boolean }
  | { readonly action: "revoke-permission"; readonly user: string }
  | { readonly action: "call-business"; readonly user: string; readonly sdp?: string }
  | { readonly action: "answer"; readonly callId: string; readonly sdp?: string }
  | { readonly action: "reject"; readonly callId: string }
  | { readonly action: "ring-out"; readonly callId: string }
  | { readonly action: "hang-up"; readonly callId: string; readonly errorCode?: number }
  | { readonly action: "fault"; readonly fault: Fault; readonly operation?: Operation; readonly times: number }
  | { readonly action: "clear-faults" }
  | { readonly action: "limits"; readonly limits: Partial<ResolvedLimits> }
  | { readonly action: "setup"; readonly callingEnabled: boolean; readonly sip: boolean };

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 512): string | undefined => (typeof v === "string" && v.length > 0 && v.length <= max ? v : undefined);
const waId = (v: unknown): string | undefined => {
  const s = str(v, 32);
  return s !== undefined && /^\+?[0-9]{5,20}$/.test(s) ? s.replace(/^\+/, "") : undefined;
};
const sdpOf = (v: unknown): string | undefined => (typeof v === "string" && v.startsWith("v=0") && v.length <= 64 * 1024 ? v : undefined);
const int = (v: unknown, min: number, max: number): number | undefined => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : undefined);

function faultOf(v: Record<string, unknown>): Fault | string {
  const kind = v["kind"];
  if (kind === "error") {
    const code = int(v["code"], 0, 99_999_999);
    return code === undefined ? "code must be a whole number" : { kind: "error", code };
  }
  if (kind === "rate-limit") return { kind: "rate-limit", retryAfterSeconds: int(v["retryAfterSeconds"], 0, 86_400) ?? 30 };
  if (kind === "delay") return { kind: "delay", ms: int(v["ms"], 0, 120_000) ?? 5_000 };
  if (kind === "html") return { kind: "html" };
  for (const t of transportFaults) if (kind === t && t !== "html") return { kind: t };
  return "unknown fault kind";
}

/** Reads one action from untrusted JSON: an action, or why it is refused. */
export function parseAction(v: unknown): Action | string {
  if (!isDict(v)) return "expected a JSON object";
  const callId = str(v["callId"]);
  switch (v["action"]) {
    case "add-user":
    case "revoke-permission": {
      const user = waId(v["user"]);
      if (user === undefined) return "user must be a phone number (digits)";
      return { action: v["action"], user };
    }
    case "reply-permission": {
      const user = waId(v["user"]);
      const response = v["response"];
      if (user === undefined) return "user must be a phone number (digits)";
      if (response !== "accept" && response !== "reject") return "response must be accept or reject";
      return { action: "reply-permission", user, response, permanent: v["permanent"] === true };
    }
    case "call-business": {
      const user = waId(v["user"]);
      if (user === undefined) return "user must be a phone number (digits)";
      const sdp = sdpOf(v["sdp"]);
      return { action: "call-business", user, ...(sdp !== undefined && { sdp }) };
    }
    case "answer": {
      if (callId === undefined) return "callId is required";
      const sdp = sdpOf(v["sdp"]);
      return { action: "answer", callId, ...(sdp !== undefined && { sdp }) };
    }
    case "reject":
    case "ring-out":
      return callId === undefined ? "callId is required" : { action: v["action"], callId };
    case "hang-up": {
      if (callId === undefined) return "callId is required";
      const code = v["errorCode"];
      if (code === undefined || code === null || code === "") return { action: "hang-up", callId };
      const n = int(typeof code === "string" ? Number(code) : code, 1, 99_999_999);
      return n === undefined ? "errorCode must be a code" : { action: "hang-up", callId, errorCode: n };
    }
    case "fault": {
      const fault = isDict(v["fault"]) ? faultOf(v["fault"]) : "fault is required";
      if (typeof fault === "string") return fault;
      const op = v["operation"];
      const operation = operations.find((o) => o === op);
      if (op !== undefined && op !== "" && operation === undefined) return "unknown operation";
      return { action: "fault", fault, ...(operation !== undefined && { operation }), times: int(v["times"], 1, 1000) ?? 1 };
    }
    case "clear-faults":
      return { action: "clear-faults" };
    case "limits": {
      const given = v["limits"];
      if (!isDict(given)) return "limits must be an object";
      const limits: Partial<Record<keyof ResolvedLimits, number>> = {};
      for (const name of limitNames) {
        if (given[name] === undefined) continue;
        const n = int(given[name], 0, 1_000_000_000);
        if (n === undefined) return `${name} must be a whole number`;
        limits[name] = n;
      }
      return { action: "limits", limits };
    }
    case "setup":
      return { action: "setup", callingEnabled: v["callingEnabled"] !== false, sip: v["sip"] === true };
    default:
      return "unknown action";
  }
}

/** Carries out an action through the fake's controls; returns a line for the timeline (and the new call's id). */
export async function applyAction(core: FakeCore, users: Set<string>, a: Action): Promise<{ readonly text: string; readonly callId?: string }> {
  if (a.action === "call-business") {
    users.add(a.user);
    const callId = core.api.incomingCall(a.user, a.sdp === undefined ? {} : { sdp: a.sdp });
    return { text: `${a.user} calls the business (${a.sdp === undefined ? "placeholder SDP" : "WebRTC offer"})`, callId };
  }
  return { text: await act(core, users, a) };
}

async function act(core: FakeCore, users: Set<string>, a: Exclude<Action, { action: "call-business" }>): Promise<string> {
  const api = core.api;
  const userOf = (callId: string) => core.state.calls.get(callId)?.user ?? "?";
  switch (a.action) {
    case "add-user":
      users.add(a.user);
      return `user ${a.user} added`;
    case "reply-permission":
      users.add(a.user);
      await api.replyToPermissionRequest(a.user, a.response, { permanent: a.permanent });
      return `${a.user} ${a.response === "accept" ? `grants ${a.permanent ? "permanent" : "temporary"} call permission` : "refuses call permission"}`;
    case "revoke-permission":
      api.revokePermission(a.user);
      return `${a.user} revokes call permission`;
    case "answer": {
      const user = userOf(a.callId);
      await api.userAnswers(a.callId, ...(a.sdp === undefined ? [] : [a.sdp]));
      return `${user} answers (${a.sdp === undefined ? "placeholder SDP" : "WebRTC answer"})`;
    }
    case "reject": {
      const user = userOf(a.callId);
      await api.userRejects(a.callId);
      return `${user} rejects the call`;
    }
    case "ring-out": {
      const user = userOf(a.callId);
      await api.hangUp(a.callId);
      return `${user} lets the call ring out`;
    }
    case "hang-up": {
      const user = userOf(a.callId);
      await api.hangUp(a.callId, a.errorCode === undefined ? {} : { errorCode: a.errorCode });
      return `${user} hangs up${a.errorCode === undefined ? "" : ` with failure ${a.errorCode}`}`;
    }
    case "fault":
      api.fault(a.fault, { ...(a.operation !== undefined && { operation: a.operation }), times: a.times });
      return `next ${a.times === 1 ? "request" : `${a.times} requests`}${a.operation === undefined ? "" : ` (${a.operation})`} will fail: ${a.fault.kind === "error" ? `code ${a.fault.code}` : a.fault.kind}`;
    case "clear-faults":
      api.clearFaults();
      return "scripted faults cleared";
    case "limits": {
      const changed = Object.entries(a.limits).filter(([k, n]) => core.state.limits[k as keyof ResolvedLimits] !== n);
      Object.assign(core.state.limits, a.limits);
      return `limits: ${changed.map(([k, n]) => `${k} ${n}`).join(", ") || "unchanged"}`;
    }
    case "setup":
      api.setCallingEnabled(a.callingEnabled);
      api.setSip(a.sip);
      return `calling ${a.callingEnabled ? "enabled" : "disabled"}${a.sip ? ", SIP number" : ""}`;
  }
}
