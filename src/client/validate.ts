/**
 * Input checks run before any request is sent. Each returns the field at fault and why, or
 * `undefined`. They also guard JavaScript callers, whom the types do not protect.
 */
import type { AcceptInput, HolidayHours, CallIdInput, CallingSettingsUpdate, ConnectInput, PermissionLookupInput, PermissionRequestInput, PreAcceptInput } from "./types.js";

/** A problem with one input field. */
export interface InputProblem {
  readonly field: string;
  readonly message: string;
}

type Check = InputProblem | undefined;

const problem = (field: string, message: string): InputProblem => ({ field, message });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const waId = /^\+?[1-9]\d{5,19}$/;
const hhmm = /^([01]\d|2[0-3])[0-5]\d$/;
const ymd = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MAX_OPAQUE = 512;
const MAX_SDP = 64 * 1024;

/** The Calling API's endpoints below a phone number id, as they would follow a version in a pasted URL. */
const graphEndpoints: readonly string[] = ["calls", "settings", "call_permissions"];

/** Why a base URL cannot be used, or `undefined`. The URL itself is never echoed. */
function baseUrlProblem(text: string): string | undefined {
  if (!/^https?:\/\/[^\s/]+/.test(text)) return "must be an http(s) URL";
  try {
    const url = new URL(text);
    if (!url.protocol.startsWith("http")) return "must be an http(s) URL";
    if (url.username !== "" || url.password !== "") return "must not carry credentials (user:password@)";
    if (url.search !== "" || url.hash !== "") return "must not carry a query or a fragment";
    // The version goes in apiVersion: 'https://graph.facebook.com/v23.0' would ask for /v23.0/v23.0/….
    // A version followed by a gateway's own path (/v1.0/graph) is a prefix, not the Graph version;
    // one followed by nothing, ids or a Calling API endpoint (/v23.0/1234567890/calls) is.
    const segments = url.pathname.split("/").filter((segment) => segment !== "");
    let at = segments.length - 1;
    while (at >= 0 && !/^v\d+\.\d+$/.test(segments[at] ?? "")) at--;
    if (at >= 0 && segments.slice(at + 1).every((segment) => /^\d+$/.test(segment) || graphEndpoints.includes(segment))) {
      return "must not hold the Graph version: give the host (https://graph.facebook.com) as baseUrl and the version as apiVersion";
    }
    return undefined;
  } catch {
    return "must be an http(s) URL";
  }
}

/** Whether a text holds a control character (C0, DEL, C1) or a lone surrogate. One linear pass. */
function hasUnsafeChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

/** Whether a text can go in an HTTP header value as is: visible ASCII only (no CR, LF, NUL, space). */
function isHeaderToken(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

const MAX_TOKEN = 8192;

function first(...checks: (() => Check)[]): Check {
  for (const c of checks) {
    const p = c();
    if (p !== undefined) return p;
  }
  return undefined;
}

function sdp(value: unknown, role: "offer" | "answer"): Check {
  if (!isObject(value) || typeof value["sdp"] !== "string") {
    return problem("sdp", `expected an SDP ${role} (use sdp${role === "offer" ? "Offer" : "Answer"}(text))`);
  }
  if (value["type"] !== role) {
    return problem("sdp", `expected an SDP ${role}, got ${String(value["type"])}: ${role === "offer" ? "connect sends an offer" : "pre_accept and accept send an answer"}`);
  }
  const text = value["sdp"];
  if (text.length > MAX_SDP) return problem("sdp", `SDP text is longer than ${MAX_SDP} characters`);
  if (text.trim() === "") return problem("sdp", "SDP text is empty: sdpOffer and sdpAnswer take the text (e.g. pc.localDescription.sdp), not the description object");
  if (!/^\s*v=0/.test(text)) return problem("sdp", "SDP text must start with a version line (v=0)");
  return undefined;
}

function opaque(value: unknown): Check {
  if (value === undefined) return undefined;
  if (typeof value !== "string") return problem("bizOpaqueCallbackData", "must be a string");
  if (value.length > MAX_OPAQUE) return problem("bizOpaqueCallbackData", `is ${value.length} characters; at most ${MAX_OPAQUE} are allowed`);
  if (hasUnsafeChar(value)) return problem("bizOpaqueCallbackData", "must not contain control characters (CR, LF, …) or unpaired surrogates");
  return undefined;
}

function callIdCheck(value: unknown): Check {
  return typeof value === "string" && /^wacid\.\S{1,500}$/.test(value)
    ? undefined
    : problem("callId", "a call id is a string starting with 'wacid.'");
}

function target(to: unknown, recipient: unknown, toField: string): Check {
  if (to !== undefined && recipient !== undefined) return problem(toField, `give either ${toField} or recipient, not both`);
  if (to !== undefined) return typeof to === "string" && waId.test(to) ? undefined : problem(toField, "a WhatsApp id is 6 to 20 digits only, with at most a leading + (no spaces, dashes or brackets), e.g. 15551234567");
  if (recipient !== undefined) {
    return typeof recipient === "string" && /^\S{1,256}$/.test(recipient) ? undefined : problem("recipient", "a recipient id is 1 to 256 characters without spaces");
  }
  return problem(toField, `${toField} or recipient is required`);
}

function settings(s: CallingSettingsUpdate): Check {
  if (!isObject(s)) return problem("settings", "expected a settings object");
  const known = ["status", "callIconVisibility", "callbackPermissionStatus", "srtpKeyExchangeProtocol", "callHours"];
  const given = Object.keys(s).filter((k) => (s as Record<string, unknown>)[k] !== undefined);
  if (given.length === 0) return problem("settings", "nothing to update");
  const unknownKey = given.find((k) => !known.includes(k));
  if (unknownKey !== undefined) return problem(unknownKey, "is not a calling setting wacall knows");
  const oneOf = (field: string, v: unknown, allowed: readonly string[]): Check =>
    v === undefined || (typeof v === "string" && allowed.includes(v)) ? undefined : problem(field, `must be one of ${allowed.join(", ")}`);
  return first(
    () => oneOf("status", s.status, ["ENABLED", "DISABLED"]),
    () => oneOf("callIconVisibility", s.callIconVisibility, ["DEFAULT", "DISABLE_ALL"]),
    () => oneOf("callbackPermissionStatus", s.callbackPermissionStatus, ["ENABLED", "DISABLED"]),
    () => oneOf("srtpKeyExchangeProtocol", s.srtpKeyExchangeProtocol, ["DTLS", "SDES"]),
    () => {
      const h = s.callHours;
      if (h === undefined) return undefined;
      if (!isObject(h) || !Array.isArray(h.weeklyOperatingHours)) return problem("callHours", "expected status, timezoneId and weeklyOperatingHours");
      if (typeof h.timezoneId !== "string" || h.timezoneId === "") return problem("callHours.timezoneId", "is required");
      for (const [i, w] of h.weeklyOperatingHours.entries()) {
        if (!isObject(w) || typeof w.openTime !== "string" || typeof w.closeTime !== "string") return problem(`callHours.weeklyOperatingHours[${i}]`, "expected dayOfWeek, openTime and closeTime");
        if (!hhmm.test(w.openTime) || !hhmm.test(w.closeTime)) return problem(`callHours.weeklyOperatingHours[${i}]`, "times are HHMM (0000-2359)");
        if (w.openTime >= w.closeTime) return problem(`callHours.weeklyOperatingHours[${i}]`, "openTime must be before closeTime");
      }
      const holidays: readonly HolidayHours[] = Array.isArray(h.holidaySchedule) ? h.holidaySchedule : [];
      for (const [i, d] of holidays.entries()) {
        if (!isObject(d) || typeof d.date !== "string" || typeof d.startTime !== "string" || typeof d.endTime !== "string") return problem(`callHours.holidaySchedule[${i}]`, "expected date, startTime and endTime");
        if (!ymd.test(d.date)) return problem(`callHours.holidaySchedule[${i}].date`, "is YYYY-MM-DD");
        if (!hhmm.test(d.startTime) || !hhmm.test(d.endTime)) return problem(`callHours.holidaySchedule[${i}]`, "times are HHMM (0000-2359)");
      }
      return undefined;
    },
  );
}

/** The checks, one per kind of input. */
export const validate = {
  connect: (i: ConnectInput): Check =>
    isObject(i) ? first(() => target(i.to, i.recipient, "to"), () => sdp(i.sdp, "offer"), () => opaque(i.bizOpaqueCallbackData)) : problem("input", "expected an object"),
  answer: (i: PreAcceptInput | AcceptInput): Check =>
    isObject(i)
      ? first(() => callIdCheck(i.callId), () => sdp(i.sdp, "answer"), () => opaque("bizOpaqueCallbackData" in i ? i.bizOpaqueCallbackData : undefined))
      : problem("input", "expected an object"),
  callId: (i: CallIdInput): Check => (isObject(i) ? callIdCheck(i.callId) : problem("input", "expected an object")),
  lookup: (i: PermissionLookupInput): Check => (isObject(i) ? target(i.userWaId, i.recipient, "userWaId") : problem("input", "expected an object")),
  permissionRequest: (i: PermissionRequestInput): Check =>
    isObject(i)
      ? first(
          () => target(i.to, undefined, "to"),
          () => (typeof i.body === "string" && i.body.trim().length > 0 && i.body.length <= 1024 ? undefined : problem("body", "the message body is 1 to 1024 characters")),
        )
      : problem("input", "expected an object"),
  settings,
  options: (o: {
    readonly accessToken: unknown;
    readonly phoneNumberId: unknown;
    readonly baseUrl: unknown;
    readonly apiVersion: unknown;
    readonly timeoutMs: number;
    readonly maxResponseBytes: number;
    readonly maxAttempts: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
    readonly deadlineMs: number;
    readonly hasFetch: boolean;
  }): Check => {
    if (typeof o.accessToken !== "string" || o.accessToken.trim() === "") return problem("accessToken", "is required");
    // Never echo the token: a message about it says what is wrong, not what it is.
    if (o.accessToken.length > MAX_TOKEN) return problem("accessToken", `is longer than ${MAX_TOKEN} characters`);
    if (!isHeaderToken(o.accessToken)) return problem("accessToken", "contains characters that cannot be sent in an HTTP header (CR, LF, spaces, non-ASCII)");
    if (typeof o.phoneNumberId !== "string" || !/^\d{1,32}$/.test(o.phoneNumberId)) return problem("phoneNumberId", "is the phone number id (digits, from the app's API Setup page or WhatsApp Manager), not the phone number itself");
    if (typeof o.apiVersion !== "string" || !/^v\d{1,4}(\.\d{1,4})?$/.test(o.apiVersion)) return problem("apiVersion", "is a Graph API version such as v23.0");
    if (typeof o.baseUrl !== "string") return problem("baseUrl", "must be an http(s) URL");
    const urlProblem = baseUrlProblem(o.baseUrl);
    if (urlProblem !== undefined) return problem("baseUrl", urlProblem);
    if (!o.hasFetch) return problem("fetch", "no fetch implementation is available; pass one");
    const positive = (field: string, v: number, min: number) => (Number.isFinite(v) && v >= min ? undefined : problem(field, `must be a number >= ${min}`));
    return first(
      () => positive("timeoutMs", o.timeoutMs, 1),
      () => positive("maxResponseBytes", o.maxResponseBytes, 1),
      () => positive("retry.maxAttempts", o.maxAttempts, 1),
      () => positive("retry.baseDelayMs", o.baseDelayMs, 0),
      () => positive("retry.maxDelayMs", o.maxDelayMs, 0),
      () => positive("retry.deadlineMs", o.deadlineMs, 1),
    );
  },
};
