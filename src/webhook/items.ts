/**
 * The walk over a delivery: a fixed shape (entry → changes → value → calls / statuses / messages,
 * or an account payload) read item by item, each item inside its own guarded boundary, so one
 * unreadable or malformed item becomes a problem with its JSON path and the others are still
 * decoded. No recursion the input controls; every list is read up to a bound.
 *
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { redactDeep, redactField, type Scrubber } from "../internal/redact.js";
import { decodeAccountUpdate, decodeSettingsUpdate, type EntryContext } from "./decode-account.js";
import { decodeCalls, decodeStatuses } from "./decode-calls.js";
import { decodeMessages } from "./decode-messages.js";
import type { WebhookItems } from "./event-types.js";
import type { WebhookDecodeError } from "./events.js";
import { describeKind, id, isObject, object, readOwn, seconds, str, type Obj } from "./read.js";
import { eachItem, eachOf, problem, push, type Sink } from "./walk.js";

export { MAX_LIST_ITEMS, MAX_PROBLEMS } from "./walk.js";
export { describeKind, isObject, readOwn } from "./read.js";

const accountFields = new Set(["account_update", "account_settings_update"]);

/** One account payload: a calling event, or `UnknownChange` when it is not about calling. */
function decodeAccountPayload(sink: Sink, field: string, value: Obj, entry: EntryContext, source: unknown): void {
  const event = field === "account_update" ? decodeAccountUpdate(value, entry, sink) : decodeSettingsUpdate(value, entry, sink);
  push(sink, event ?? { _tag: "UnknownChange", field, raw: redactDeep(value, sink.scrub) }, source);
}

function decodeChange(sink: Sink, change: Obj, changePath: string, entry: EntryContext): void {
  const { scrub } = sink;
  const fieldRaw = str(readOwn(change, "field")) ?? "";
  const valuePath = `${changePath}.value`;
  const rawValue = readOwn(change, "value");
  if (accountFields.has(fieldRaw)) {
    // Some samples wrap the account payload in an array: each element is one payload.
    if (Array.isArray(rawValue)) eachOf(sink, rawValue, valuePath, (v, p) => decodeAccountPayload(sink, fieldRaw, object(v, p), entry, [fieldRaw, v]));
    else decodeAccountPayload(sink, fieldRaw, object(rawValue, valuePath), entry, [fieldRaw, rawValue]);
    return;
  }
  const value = object(rawValue, valuePath);
  if (fieldRaw !== "calls" && fieldRaw !== "messages") {
    push(sink, { _tag: "UnknownChange", field: redactField(fieldRaw, scrub), raw: redactDeep(value, scrub) }, [fieldRaw, value]);
    return;
  }
  const md = readOwn(value, "metadata");
  const phoneNumberId = isObject(md) ? id(readOwn(md, "phone_number_id"), scrub) : undefined;
  const display = isObject(md) ? id(readOwn(md, "display_phone_number"), scrub) : undefined;
  const metadata: { phoneNumberId: string; displayPhoneNumber?: string } = { phoneNumberId: phoneNumberId ?? "" };
  if (display !== undefined) metadata.displayPhoneNumber = display;
  const context = [fieldRaw, phoneNumberId ?? ""];
  decodeCalls(sink, value, valuePath, metadata, context);
  decodeStatuses(sink, value, valuePath, metadata, context);
  decodeMessages(sink, value, valuePath, metadata, context);
}

function decodeEntries(sink: Sink, body: Obj, path: string): void {
  eachItem(sink, body, "entry", path, true, (e, entryPath) => {
    const entry = object(e, entryPath);
    const context: { businessAccountId?: string; time?: Date } = {};
    const businessAccountId = id(readOwn(entry, "id"), sink.scrub);
    if (businessAccountId !== undefined) context.businessAccountId = businessAccountId;
    const time = seconds(readOwn(entry, "time"));
    if (time !== undefined) context.time = time;
    eachItem(sink, entry, "changes", entryPath, true, (ch, changePath) => {
      decodeChange(sink, object(ch, changePath), changePath, context);
    });
  });
}

function finish(sink: Sink): WebhookItems {
  if (sink.dropped > 0) sink.problems.push({ _tag: "MalformedItem", path: "$", message: `${sink.dropped} more malformed items were not listed` });
  return { events: sink.events, problems: sink.problems };
}

const isDelivery = (v: unknown): v is Obj => isObject(v) && readOwn(v, "object") === "whatsapp_business_account";

/**
 * Walks a parsed delivery. Some samples wrap the delivery in a top-level array: each element is
 * then a delivery of its own (paths `$[0].entry…`). `owned`: `body` is what `JSON.parse` just
 * returned to the caller, and nothing else holds it (see {@link Sink.owned}). May throw only on a
 * hostile top-level value: the caller guards it.
 */
export function decodeDelivery(body: unknown, scrub: Scrubber, secrets: readonly string[], owned = false): Result<WebhookItems, WebhookDecodeError> {
  const sink: Sink = { events: [], problems: [], dropped: 0, scrub, secrets, owned };
  if (Array.isArray(body)) {
    const first: unknown = (body as readonly unknown[])[0];
    if (!isDelivery(first)) return err({ _tag: "NotAWhatsAppWebhook", path: "$[0].object", message: `expected "whatsapp_business_account", got ${describeKind(isObject(first) ? readOwn(first, "object") : first, scrub)}` });
    eachOf(sink, body, "$", (d, p) => {
      if (isDelivery(d)) decodeEntries(sink, d, p);
      else problem(sink, `${p}.object`, 'expected "whatsapp_business_account"');
    });
    return ok(finish(sink));
  }
  if (!isObject(body)) return err({ _tag: "NotAWhatsAppWebhook", path: "$", message: "expected a JSON object" });
  const kind = readOwn(body, "object");
  if (kind !== "whatsapp_business_account") {
    return err({ _tag: "NotAWhatsAppWebhook", path: "$.object", message: `expected "whatsapp_business_account", got ${describeKind(kind, scrub)}` });
  }
  if (!Array.isArray(readOwn(body, "entry"))) return err({ _tag: "MalformedDelivery", path: "$.entry", message: "expected an array" });
  decodeEntries(sink, body, "$");
  return ok(finish(sink));
}
