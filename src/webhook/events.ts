/**
 * Calls webhooks as values: every calling event of a delivery, decoded; errors of a terminate
 * webhook decoded into the same `GraphError` union as a failed request.
 *
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { guard } from "../internal/guard.js";
import { bytesToText, parseJson } from "../internal/json.js";
import { makeScrubber } from "../internal/redact.js";
import type { CallEvent, WebhookItems } from "./event-types.js";
import { decodeDelivery } from "./items.js";

export type {
  AccountFields,
  CallConnect,
  CallEvent,
  CallFields,
  CallingRestriction,
  CallingRestrictionInfo,
  CallingRestrictionType,
  CallingSettingsChanged,
  CallingViolation,
  CallingViolationType,
  CallPermissionReply,
  CallRecordingAvailable,
  CallStatus,
  CallTerminate,
  CallTranscriptionAvailable,
  Contact,
  MediaFile,
  Metadata,
  SipCallCreated,
  UnknownCallEvent,
  UnknownChange,
  Voicemail,
  WebhookItemProblem,
  WebhookItems,
} from "./event-types.js";
export type { WebhookSession } from "./session.js";

/**
 * Why a delivery as a whole could not be decoded. `path` is a JSON path such as `$.entry`.
 * `MalformedDelivery` from {@link decodeWebhook} also stands for the first malformed item.
 */
export type WebhookDecodeError =
  | { readonly _tag: "InvalidJson"; readonly path: "$"; readonly message: string }
  | { readonly _tag: "NotAWhatsAppWebhook"; readonly path: string; readonly message: string }
  | { readonly _tag: "MalformedDelivery"; readonly path: string; readonly message: string };

/** Options of {@link decodeWebhook} and {@link decodeWebhookItems}. */
export interface DecodeWebhookOptions {
  /**
   * Exact secrets (the app secrets, the verify token) to scrub from every event, in any form.
   * The webhook handler passes its own.
   */
  readonly secrets?: readonly string[] | undefined;
}

/**
 * Decodes a webhook delivery (raw text, bytes or parsed JSON) into the events it holds and the
 * items it could not read, each with its JSON path: one malformed item does not take the valid
 * events of the same delivery down with it. Only a delivery that is not JSON, not a WhatsApp
 * Business Account delivery, or has no `entry` list is an error. Any value is accepted (Proxies,
 * throwing getters, cycles, BigInts); the work is bounded and never throws.
 *
 * @example
 * decodeWebhookItems(await request.text()).map(({ events, problems }) => {
 *   for (const p of problems) console.warn(`skipped ${p.path}: ${p.message}`);
 *   return events;
 * });
 */
export function decodeWebhookItems(body: unknown, options: DecodeWebhookOptions = {}): Result<WebhookItems, WebhookDecodeError> {
  return guard(
    () => decodeItems(body, options),
    () => err({ _tag: "MalformedDelivery", path: "$", message: "The delivery could not be read" } as const),
    err({ _tag: "MalformedDelivery", path: "$", message: "The delivery could not be read" }),
  );
}

function decodeItems(body: unknown, options: DecodeWebhookOptions): Result<WebhookItems, WebhookDecodeError> {
  const secrets = guard(
    () => (Array.isArray(options.secrets) ? options.secrets.filter((s): s is string => typeof s === "string") : undefined),
    () => undefined,
  );
  const scrub = makeScrubber(secrets);
  let value: unknown = body;
  const text = bytesToText(body);
  if (text !== undefined) {
    const parsed = parseJson(text);
    if (!parsed.ok) return err({ _tag: "InvalidJson", path: "$", message: "The delivery is not valid JSON" });
    value = parsed.value;
  }
  return decodeDelivery(value, scrub, secrets ?? []);
}

/**
 * Decodes a webhook delivery (raw text, bytes or parsed JSON) into its calling events, in
 * delivery order: connects, terminates (with their `errors[]` decoded into `GraphError`s),
 * statuses of calls, and call permission replies. Unknown call events and unknown change fields
 * are returned as `UnknownCallEvent` / `UnknownChange`; message traffic that is not a permission
 * reply is not a calling event and is skipped. Strict: a delivery with a malformed item is a
 * `MalformedDelivery` error with the item's JSON path; use {@link decodeWebhookItems} to keep the
 * valid events of such a delivery. Never throws.
 *
 * @example
 * decodeWebhook(await request.text()).map((events) => events.filter((e) => e._tag === "CallTerminate"));
 */
export function decodeWebhook(body: unknown, options: DecodeWebhookOptions = {}): Result<CallEvent[], WebhookDecodeError> {
  return decodeWebhookItems(body, options).andThen(({ events, problems }) => {
    const first = problems[0];
    return first === undefined ? ok(events) : err({ _tag: "MalformedDelivery", path: first.path, message: first.message } as const);
  });
}
