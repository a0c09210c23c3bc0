/**
 * The walk over a delivery: a fixed shape (entry → changes → value → calls / statuses / messages)
 * read item by item, each item inside its own guarded boundary, so one unreadable or malformed
 * item becomes a problem with its JSON path and the others are still decoded. No recursion the
 * input controls; every list is read up to a bound.
 *
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { decodeGraphError } from "../decode.js";
import type { GraphError } from "../errors.js";
import { guard } from "../internal/guard.js";
import { bound, REDACTED, redactDeep, redactField, type Scrubber } from "../internal/redact.js";
import { rememberSource } from "./event-key.js";
import type { CallEvent, CallFields, CallPermissionReply, CallStatus, Metadata, WebhookDecodeError, WebhookItemProblem, WebhookItems } from "./events.js";
import { makeSession } from "./session.js";

/** Items read from one list (`entry`, `changes`, `calls`, …); Meta's batches hold far fewer. */
export const MAX_LIST_ITEMS = 10_000;
/** Problems listed for one delivery; past it, one more problem says how many were left out. */
export const MAX_PROBLEMS = 100;

type Obj = object;

interface Sink {
  readonly events: CallEvent[];
  readonly problems: WebhookItemProblem[];
  dropped: number;
  readonly scrub: Scrubber;
}

/** Thrown inside a guarded item to reject it with a path (never escapes the walk). */
class ItemRejected {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

function problem(sink: Sink, path: string, message: string): void {
  if (sink.problems.length < MAX_PROBLEMS) sink.problems.push({ _tag: "MalformedItem", path, message });
  else sink.dropped++;
}

function reject(path: string, message: string): never {
  throw new ItemRejected(path, message);
}

/** Runs the decoding of one item; anything it throws becomes a problem at the item's path. */
function guarded(sink: Sink, path: string, run: () => void): void {
  guard(run, (cause) => {
    if (cause instanceof ItemRejected) problem(sink, cause.path, cause.message);
    else problem(sink, path, "could not be read (a getter or Proxy threw while reading it)");
  });
}

/** A non-array object. May throw on a revoked Proxy: call inside a guarded boundary. */
export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An own property only: never `__proto__` or an inherited member. May throw on a hostile object. */
export function readOwn(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

function scrubOnly(text: string, scrub: Scrubber): string {
  let out = text;
  for (const form of scrub.forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return bound(out);
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined);

/** An identifier the application matches on (ids, numbers, opaque data): exact secrets scrubbed, length bounded, no pattern rewriting. */
function id(v: unknown, scrub: Scrubber): string | undefined {
  const s = str(v);
  return s === undefined ? undefined : scrubOnly(s, scrub);
}

/** Free text: redacted like an error field. */
function text(v: unknown, scrub: Scrubber): string | undefined {
  const s = str(v);
  return s === undefined ? undefined : redactField(s, scrub);
}

/** What `object` held, without echoing anything that could be a secret. */
export function describeKind(kind: unknown, scrub: Scrubber): string {
  if (kind === undefined) return "nothing";
  if (typeof kind === "string") return /^[a-z_]{1,40}$/.test(kind) ? JSON.stringify(scrubOnly(kind, scrub)) : `a string of ${kind.length} characters`;
  if (kind === null) return "null";
  return guard(() => (Array.isArray(kind) ? "an array" : `a ${typeof kind}`), () => "an unreadable value");
}

function seconds(v: unknown): Date | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && v.length <= 32 && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T | "UNKNOWN" {
  const up = typeof v === "string" && v.length <= 64 ? v.toUpperCase() : "";
  return (allowed as readonly string[]).includes(up) ? (up as T) : "UNKNOWN";
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Visits the items of the list at `parent[key]`, each in its own guarded boundary. A missing
 * optional list is empty; a value that is not a list is one problem.
 */
function eachItem(sink: Sink, parent: Obj, key: string, path: string, required: boolean, visit: (item: unknown, itemPath: string) => void): void {
  const listPath = `${path}.${key}`;
  const list = readOwn(parent, key);
  if (list === undefined && !required) return;
  if (!Array.isArray(list)) reject(listPath, "expected an array");
  const rawLength: unknown = (list as { length: unknown }).length;
  const length = typeof rawLength === "number" && Number.isSafeInteger(rawLength) && rawLength > 0 ? rawLength : 0;
  const n = Math.min(length, MAX_LIST_ITEMS);
  for (let i = 0; i < n; i++) {
    const itemPath = `${listPath}[${i}]`;
    guarded(sink, itemPath, () => visit((list as readonly unknown[])[i], itemPath));
  }
  if (length > n) problem(sink, listPath, `holds ${length} items; only the first ${n} were read`);
}

function object(v: unknown, path: string): Obj {
  return isObject(v) ? v : reject(path, "expected an object");
}

function push(sink: Sink, event: CallEvent, source: unknown): void {
  rememberSource(event, source);
  sink.events.push(event);
}

function callFields(c: Obj, path: string, metadata: Metadata, scrub: Scrubber): CallFields {
  const callId = id(readOwn(c, "id"), scrub);
  if (callId === undefined || callId === "") reject(`${path}.id`, "expected the call id");
  const rawDirection = text(readOwn(c, "direction"), scrub);
  return {
    callId,
    ...optional("from", id(readOwn(c, "from"), scrub)),
    ...optional("to", id(readOwn(c, "to"), scrub)),
    ...(rawDirection !== undefined && { direction: oneOf(rawDirection, ["USER_INITIATED", "BUSINESS_INITIATED"] as const) }),
    ...optional("rawDirection", rawDirection),
    ...optional("timestamp", seconds(readOwn(c, "timestamp"))),
    ...optional("bizOpaqueCallbackData", id(readOwn(c, "biz_opaque_callback_data"), scrub)),
    metadata,
    raw: redactDeep(c, scrub),
  };
}

function firstContact(value: Obj, scrub: Scrubber): { readonly waId?: string; readonly name?: string } | undefined {
  const contacts = readOwn(value, "contacts");
  const first: unknown = Array.isArray(contacts) ? (contacts as readonly unknown[])[0] : undefined;
  if (!isObject(first)) return undefined;
  const profile = readOwn(first, "profile");
  return {
    ...optional("waId", id(readOwn(first, "wa_id"), scrub)),
    ...optional("name", isObject(profile) ? id(readOwn(profile, "name"), scrub) : undefined),
  };
}

function decodeCall(c: Obj, path: string, metadata: Metadata, value: Obj, errors: readonly GraphError[], scrub: Scrubber): CallEvent {
  const event = str(readOwn(c, "event")) ?? "";
  switch (event.length <= 32 ? event.toLowerCase() : "") {
    case "connect": {
      const s = readOwn(c, "session");
      const sdpType = isObject(s) ? readOwn(s, "sdp_type") : undefined;
      const sdp = isObject(s) ? readOwn(s, "sdp") : undefined;
      const contact = firstContact(value, scrub);
      return {
        _tag: "CallConnect",
        ...callFields(c, path, metadata, scrub),
        ...((sdpType === "offer" || sdpType === "answer") && typeof sdp === "string" && { session: makeSession(sdpType, sdp, scrub) }),
        ...optional("contact", contact),
      };
    }
    case "terminate": {
      const rawStatus = text(readOwn(c, "status"), scrub);
      const duration = readOwn(c, "duration");
      const durationSeconds =
        typeof duration === "number" && Number.isFinite(duration) && duration >= 0 ? duration : typeof duration === "string" && /^\d{1,12}$/.test(duration) ? Number(duration) : undefined;
      return {
        _tag: "CallTerminate",
        ...callFields(c, path, metadata, scrub),
        status: oneOf(rawStatus, ["COMPLETED", "FAILED", "REJECTED"] as const),
        ...optional("rawStatus", rawStatus),
        ...optional("startTime", seconds(readOwn(c, "start_time"))),
        ...optional("endTime", seconds(readOwn(c, "end_time"))),
        ...optional("durationSeconds", durationSeconds),
        errors,
      };
    }
    default:
      return { _tag: "UnknownCallEvent", event: redactField(event, scrub), ...optional("callId", id(readOwn(c, "id"), scrub)), metadata, raw: redactDeep(c, scrub) };
  }
}

function decodeStatus(s: Obj, path: string, metadata: Metadata, scrub: Scrubber): CallStatus | undefined {
  if (str(readOwn(s, "type")) !== "call") return undefined; // message statuses are not calling events
  const callId = readOwn(s, "id");
  if (typeof callId !== "string" || callId === "") reject(`${path}.id`, "expected the call id");
  const rawStatus = text(readOwn(s, "status"), scrub) ?? "";
  return {
    _tag: "CallStatus",
    callId: scrubOnly(callId, scrub),
    status: oneOf(rawStatus, ["RINGING", "ACCEPTED", "REJECTED"] as const),
    rawStatus,
    ...optional("timestamp", seconds(readOwn(s, "timestamp"))),
    ...optional("recipientId", id(readOwn(s, "recipient_id"), scrub)),
    ...optional("bizOpaqueCallbackData", id(readOwn(s, "biz_opaque_callback_data"), scrub)),
    metadata,
    raw: redactDeep(s, scrub),
  };
}

function decodeMessage(m: Obj, path: string, metadata: Metadata, scrub: Scrubber): CallPermissionReply | undefined {
  const interactive = readOwn(m, "interactive");
  const reply = isObject(interactive) ? readOwn(interactive, "call_permission_reply") : undefined;
  if (reply === undefined) return undefined; // other messages are not calling events
  const r = object(reply, `${path}.interactive.call_permission_reply`);
  const from = id(readOwn(m, "from"), scrub);
  if (from === undefined) reject(`${path}.from`, "expected the sender");
  const rawResponse = text(readOwn(r, "response"), scrub) ?? "";
  const source = str(readOwn(r, "response_source"));
  const permanent = readOwn(r, "is_permanent");
  return {
    _tag: "CallPermissionReply",
    from,
    ...optional("messageId", id(readOwn(m, "id"), scrub)),
    ...optional("timestamp", seconds(readOwn(m, "timestamp"))),
    response: rawResponse === "accept" || rawResponse === "reject" ? rawResponse : "UNKNOWN",
    rawResponse,
    isPermanent: permanent === true || permanent === "true",
    ...optional("expiresAt", seconds(readOwn(r, "expiration_timestamp"))),
    ...(source !== undefined && { responseSource: source === "user_action" || source === "automatic" ? source : "UNKNOWN" }),
    metadata,
    raw: redactDeep(m, scrub),
  };
}

function decodeChange(sink: Sink, change: Obj, changePath: string, secrets: readonly string[]): void {
  const { scrub } = sink;
  const fieldRaw = str(readOwn(change, "field")) ?? "";
  const valuePath = `${changePath}.value`;
  const value = object(readOwn(change, "value"), valuePath);
  if (fieldRaw !== "calls" && fieldRaw !== "messages") {
    push(sink, { _tag: "UnknownChange", field: redactField(fieldRaw, scrub), raw: redactDeep(value, scrub) }, [fieldRaw, value]);
    return;
  }
  const md = readOwn(value, "metadata");
  const phoneNumberId = isObject(md) ? id(readOwn(md, "phone_number_id"), scrub) : undefined;
  const display = isObject(md) ? id(readOwn(md, "display_phone_number"), scrub) : undefined;
  const metadata: Metadata = { phoneNumberId: phoneNumberId ?? "", ...optional("displayPhoneNumber", display) };
  const errors: GraphError[] = [];
  // A broken `errors` list is reported; the calls beside it are still decoded (without errors).
  guarded(sink, `${valuePath}.errors`, () =>
    eachItem(sink, value, "errors", valuePath, false, (x) => {
      errors.push(decodeGraphError(x, { secrets }));
    }),
  );
  const context = [fieldRaw, phoneNumberId ?? ""];
  guarded(sink, `${valuePath}.calls`, () =>
    eachItem(sink, value, "calls", valuePath, false, (c, p) => {
      const call = object(c, p);
      push(sink, decodeCall(call, p, metadata, value, errors, scrub), [...context, call]);
    }),
  );
  guarded(sink, `${valuePath}.statuses`, () =>
    eachItem(sink, value, "statuses", valuePath, false, (s, p) => {
      const st = object(s, p);
      const status = decodeStatus(st, p, metadata, scrub);
      if (status !== undefined) push(sink, status, [...context, st]);
    }),
  );
  guarded(sink, `${valuePath}.messages`, () =>
    eachItem(sink, value, "messages", valuePath, false, (m, p) => {
      const msg = object(m, p);
      const reply = decodeMessage(msg, p, metadata, scrub);
      if (reply !== undefined) push(sink, reply, [...context, msg]);
    }),
  );
}

/** Walks a delivery whose `object` was checked. The `entry` list itself must be readable. */
export function decodeDelivery(body: Obj, scrub: Scrubber, secrets: readonly string[]): Result<WebhookItems, WebhookDecodeError> {
  const sink: Sink = { events: [], problems: [], dropped: 0, scrub };
  const entries = readOwn(body, "entry");
  if (!Array.isArray(entries)) return err({ _tag: "MalformedDelivery", path: "$.entry", message: "expected an array" });
  eachItem(sink, body, "entry", "$", true, (e, entryPath) => {
    const entry = object(e, entryPath);
    eachItem(sink, entry, "changes", entryPath, true, (ch, changePath) => {
      decodeChange(sink, object(ch, changePath), changePath, secrets);
    });
  });
  if (sink.dropped > 0) sink.problems.push({ _tag: "MalformedItem", path: "$", message: `${sink.dropped} more malformed items were not listed` });
  return ok({ events: sink.events, problems: sink.problems });
}
