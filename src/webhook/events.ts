/**
 * Calls webhooks as values: every calling event of a delivery, decoded; errors of a terminate
 * webhook decoded into the same `GraphError` union as a failed request.
 *
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { decodeGraphError } from "../decode.js";
import type { GraphError } from "../errors.js";
import { bytesToText, isDict, own, parseJson, type Dict } from "../internal/json.js";
import { redact, redactDeep } from "../internal/redact.js";

/** Where the call came from, as the business number sees it. */
export type Metadata = { readonly phoneNumberId: string; readonly displayPhoneNumber?: string };

/**
 * An SDP offer or answer carried by a connect webhook. `sdp` is the full text (apply it to your
 * peer connection); `JSON.stringify` prints it with the ICE credentials redacted.
 */
export interface WebhookSession {
  readonly sdpType: "offer" | "answer";
  readonly sdp: string;
  toJSON(): { readonly sdpType: "offer" | "answer"; readonly sdp: string };
}

function session(sdpType: "offer" | "answer", sdp: string): WebhookSession {
  return { sdpType, sdp, toJSON: () => ({ sdpType, sdp: redact(sdp) }) };
}

interface CallFields {
  readonly callId: string;
  readonly from?: string;
  readonly to?: string;
  /** `USER_INITIATED`, `BUSINESS_INITIATED`, or `UNKNOWN` with the value in `rawDirection`. */
  readonly direction?: "USER_INITIATED" | "BUSINESS_INITIATED" | "UNKNOWN";
  readonly rawDirection?: string;
  readonly timestamp?: Date;
  readonly bizOpaqueCallbackData?: string;
  readonly metadata: Metadata;
  /** The call object as delivered, unknown fields included (SDP ICE credentials redacted). */
  readonly raw: unknown;
}

/** A call is ringing or was answered: carries the SDP offer (inbound) or answer (outbound). */
export interface CallConnect extends CallFields {
  readonly _tag: "CallConnect";
  readonly session?: WebhookSession;
  /** The caller's profile from `value.contacts[]` (absent on outbound calls). */
  readonly contact?: { readonly waId?: string; readonly name?: string };
}

/** A call ended. `errors` are decoded like API errors: 138019-138023 and 131044 arrive here. */
export interface CallTerminate extends CallFields {
  readonly _tag: "CallTerminate";
  /** `COMPLETED`, `FAILED`, `REJECTED` (any case in the payload), or `UNKNOWN` with `rawStatus`. */
  readonly status: "COMPLETED" | "FAILED" | "REJECTED" | "UNKNOWN";
  readonly rawStatus?: string;
  readonly startTime?: Date;
  readonly endTime?: Date;
  /** Seconds; present only when the call was picked up. */
  readonly durationSeconds?: number;
  readonly errors: readonly GraphError[];
}

/** A business-initiated call's progress. */
export interface CallStatus {
  readonly _tag: "CallStatus";
  readonly callId: string;
  readonly status: "RINGING" | "ACCEPTED" | "REJECTED" | "UNKNOWN";
  readonly rawStatus: string;
  readonly timestamp?: Date;
  readonly recipientId?: string;
  readonly bizOpaqueCallbackData?: string;
  readonly metadata: Metadata;
  readonly raw: unknown;
}

/** The user's answer to a call permission request. */
export interface CallPermissionReply {
  readonly _tag: "CallPermissionReply";
  readonly from: string;
  readonly messageId?: string;
  readonly timestamp?: Date;
  readonly response: "accept" | "reject" | "UNKNOWN";
  readonly rawResponse: string;
  readonly isPermanent: boolean;
  /** When the permission expires (from a string or a number of seconds). */
  readonly expiresAt?: Date;
  readonly responseSource?: "user_action" | "automatic" | "UNKNOWN";
  readonly metadata: Metadata;
  readonly raw: unknown;
}

/** A call object whose `event` wacall does not know: kept, not dropped. */
export interface UnknownCallEvent {
  readonly _tag: "UnknownCallEvent";
  readonly event: string;
  readonly callId?: string;
  readonly metadata: Metadata;
  readonly raw: unknown;
}

/** A change of a field other than `calls` and `messages`: kept, not dropped. */
export interface UnknownChange {
  readonly _tag: "UnknownChange";
  readonly field: string;
  readonly raw: unknown;
}

/** Every event a calls webhook delivery can hold. */
export type CallEvent = CallConnect | CallTerminate | CallStatus | CallPermissionReply | UnknownCallEvent | UnknownChange;

/** Why a delivery could not be decoded. `path` is a JSON path such as `$.entry[0].changes`. */
export type WebhookDecodeError =
  | { readonly _tag: "InvalidJson"; readonly path: "$"; readonly message: string }
  | { readonly _tag: "NotAWhatsAppWebhook"; readonly path: string; readonly message: string }
  | { readonly _tag: "MalformedDelivery"; readonly path: string; readonly message: string };

type Problem = { readonly path: string; readonly message: string };

/** Collects the first structural problem of a delivery; decoding stops adding events after it. */
interface Ctx {
  problem?: Problem;
}

function fail(ctx: Ctx, path: string, message: string): undefined {
  ctx.problem ??= { path, message };
  return undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined);

function seconds(v: unknown): Date | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T | "UNKNOWN" {
  const up = typeof v === "string" ? v.toUpperCase() : "";
  return (allowed as readonly string[]).includes(up) ? (up as T) : "UNKNOWN";
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function list(ctx: Ctx, parent: Dict, key: string, path: string, required: boolean): readonly unknown[] {
  const v = own(parent, key);
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) return fail(ctx, `${path}.${key}`, "expected an array") ?? [];
  return v;
}

function object(ctx: Ctx, v: unknown, path: string): Dict | undefined {
  return isDict(v) ? v : fail(ctx, path, "expected an object");
}

function callFields(ctx: Ctx, c: Dict, path: string, metadata: Metadata): CallFields {
  const id = own(c, "id");
  const callId = typeof id === "string" && id !== "" ? id : (fail(ctx, `${path}.id`, "expected the call id") ?? "");
  const rawDirection = str(own(c, "direction"));
  return {
    callId,
    ...optional("from", str(own(c, "from"))),
    ...optional("to", str(own(c, "to"))),
    ...(rawDirection !== undefined && { direction: oneOf(rawDirection, ["USER_INITIATED", "BUSINESS_INITIATED"] as const) }),
    ...optional("rawDirection", rawDirection),
    ...optional("timestamp", seconds(own(c, "timestamp"))),
    ...optional("bizOpaqueCallbackData", str(own(c, "biz_opaque_callback_data"))),
    metadata,
    raw: redactDeep(c),
  };
}

function decodeCall(ctx: Ctx, c: Dict, path: string, metadata: Metadata, value: Dict, errors: readonly GraphError[]): CallEvent {
  const event = str(own(c, "event")) ?? "";
  switch (event.toLowerCase()) {
    case "connect": {
      const s = own(c, "session");
      const sdpType = isDict(s) ? own(s, "sdp_type") : undefined;
      const sdp = isDict(s) ? own(s, "sdp") : undefined;
      const contacts = own(value, "contacts");
      const first = Array.isArray(contacts) && isDict(contacts[0]) ? contacts[0] : undefined;
      const profile = first !== undefined ? own(first, "profile") : undefined;
      const contact = first === undefined ? undefined : {
        ...optional("waId", str(own(first, "wa_id"))),
        ...optional("name", isDict(profile) ? str(own(profile, "name")) : undefined),
      };
      return {
        _tag: "CallConnect",
        ...callFields(ctx, c, path, metadata),
        ...((sdpType === "offer" || sdpType === "answer") && typeof sdp === "string" && { session: session(sdpType, sdp) }),
        ...optional("contact", contact),
      };
    }
    case "terminate": {
      const rawStatus = str(own(c, "status"));
      const duration = own(c, "duration");
      const durationSeconds = typeof duration === "number" ? duration : typeof duration === "string" && /^\d+$/.test(duration) ? Number(duration) : undefined;
      return {
        _tag: "CallTerminate",
        ...callFields(ctx, c, path, metadata),
        status: oneOf(rawStatus, ["COMPLETED", "FAILED", "REJECTED"] as const),
        ...optional("rawStatus", rawStatus),
        ...optional("startTime", seconds(own(c, "start_time"))),
        ...optional("endTime", seconds(own(c, "end_time"))),
        ...optional("durationSeconds", durationSeconds),
        errors,
      };
    }
    default: {
      const callId = str(own(c, "id"));
      return { _tag: "UnknownCallEvent", event, ...optional("callId", callId), metadata, raw: redactDeep(c) };
    }
  }
}

function decodeStatus(ctx: Ctx, s: Dict, path: string, metadata: Metadata): CallStatus | undefined {
  if (str(own(s, "type")) !== "call") return undefined; // message statuses are not calling events
  const callId = own(s, "id");
  if (typeof callId !== "string") return fail(ctx, `${path}.id`, "expected the call id");
  const rawStatus = str(own(s, "status")) ?? "";
  return {
    _tag: "CallStatus",
    callId,
    status: oneOf(rawStatus, ["RINGING", "ACCEPTED", "REJECTED"] as const),
    rawStatus,
    ...optional("timestamp", seconds(own(s, "timestamp"))),
    ...optional("recipientId", str(own(s, "recipient_id"))),
    ...optional("bizOpaqueCallbackData", str(own(s, "biz_opaque_callback_data"))),
    metadata,
    raw: s,
  };
}

function decodeMessage(ctx: Ctx, m: Dict, path: string, metadata: Metadata): CallPermissionReply | undefined {
  const interactive = own(m, "interactive");
  const reply = isDict(interactive) ? own(interactive, "call_permission_reply") : undefined;
  if (reply === undefined) return undefined; // other messages are not calling events
  const r = object(ctx, reply, `${path}.interactive.call_permission_reply`);
  const from = str(own(m, "from"));
  if (r === undefined) return undefined;
  if (from === undefined) return fail(ctx, `${path}.from`, "expected the sender");
  const rawResponse = str(own(r, "response")) ?? "";
  const source = str(own(r, "response_source"));
  const permanent = own(r, "is_permanent");
  return {
    _tag: "CallPermissionReply",
    from,
    ...optional("messageId", str(own(m, "id"))),
    ...optional("timestamp", seconds(own(m, "timestamp"))),
    response: rawResponse === "accept" || rawResponse === "reject" ? rawResponse : "UNKNOWN",
    rawResponse,
    isPermanent: permanent === true || permanent === "true",
    ...optional("expiresAt", seconds(own(r, "expiration_timestamp"))),
    ...(source !== undefined && { responseSource: source === "user_action" || source === "automatic" ? source : "UNKNOWN" }),
    metadata,
    raw: m,
  };
}

function decodeDelivery(ctx: Ctx, body: Dict): CallEvent[] {
  const events: CallEvent[] = [];
  const entries = list(ctx, body, "entry", "$", true);
  entries.forEach((e, i) => {
    const entryPath = `$.entry[${i}]`;
    const entry = object(ctx, e, entryPath);
    if (entry === undefined) return;
    list(ctx, entry, "changes", entryPath, true).forEach((ch, j) => {
      const changePath = `${entryPath}.changes[${j}]`;
      const change = object(ctx, ch, changePath);
      if (change === undefined) return;
      const field = str(own(change, "field")) ?? "";
      const valuePath = `${changePath}.value`;
      const value = object(ctx, own(change, "value"), valuePath);
      if (value === undefined) return;
      if (field !== "calls" && field !== "messages") {
        events.push({ _tag: "UnknownChange", field, raw: redactDeep(value) });
        return;
      }
      const md = own(value, "metadata");
      const metadata: Metadata = isDict(md)
        ? { phoneNumberId: str(own(md, "phone_number_id")) ?? "", ...optional("displayPhoneNumber", str(own(md, "display_phone_number"))) }
        : { phoneNumberId: "" };
      const errors = list(ctx, value, "errors", valuePath, false).map((x) => decodeGraphError(x));
      list(ctx, value, "calls", valuePath, false).forEach((c, k) => {
        const p = `${valuePath}.calls[${k}]`;
        const call = object(ctx, c, p);
        if (call !== undefined) events.push(decodeCall(ctx, call, p, metadata, value, errors));
      });
      list(ctx, value, "statuses", valuePath, false).forEach((s, k) => {
        const p = `${valuePath}.statuses[${k}]`;
        const st = object(ctx, s, p);
        const status = st === undefined ? undefined : decodeStatus(ctx, st, p, metadata);
        if (status !== undefined) events.push(status);
      });
      list(ctx, value, "messages", valuePath, false).forEach((m, k) => {
        const p = `${valuePath}.messages[${k}]`;
        const msg = object(ctx, m, p);
        const reply = msg === undefined ? undefined : decodeMessage(ctx, msg, p, metadata);
        if (reply !== undefined) events.push(reply);
      });
    });
  });
  return events;
}

/**
 * Decodes a webhook delivery (raw text, bytes or parsed JSON) into its calling events, in
 * delivery order: connects, terminates (with their `errors[]` decoded into `GraphError`s),
 * statuses of calls, and call permission replies. Unknown call events and unknown change fields
 * are returned as `UnknownCallEvent` / `UnknownChange`; message traffic that is not a permission
 * reply is not a calling event and is skipped. A structurally broken delivery is an error with
 * the JSON path of the problem. Never throws.
 *
 * @example
 * decodeWebhook(await request.text()).map((events) => events.filter((e) => e._tag === "CallTerminate"));
 */
export function decodeWebhook(body: unknown): Result<CallEvent[], WebhookDecodeError> {
  let value: unknown = body;
  const text = bytesToText(body);
  if (text !== undefined) {
    const parsed = parseJson(text);
    if (!parsed.ok) return err({ _tag: "InvalidJson", path: "$", message: "The delivery is not valid JSON" });
    value = parsed.value;
  }
  if (!isDict(value)) return err({ _tag: "NotAWhatsAppWebhook", path: "$", message: "expected a JSON object" });
  const kind = own(value, "object");
  if (kind !== "whatsapp_business_account") {
    return err({ _tag: "NotAWhatsAppWebhook", path: "$.object", message: `expected "whatsapp_business_account", got ${(JSON.stringify(kind) ?? "nothing").slice(0, 40)}` });
  }
  const ctx: Ctx = {};
  const events = decodeDelivery(ctx, value);
  return ctx.problem === undefined ? ok(events) : err({ _tag: "MalformedDelivery", ...ctx.problem });
}
