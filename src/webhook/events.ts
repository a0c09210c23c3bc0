/**
 * Calls webhooks as values: every calling event of a delivery, decoded; errors of a terminate
 * webhook decoded into the same `GraphError` union as a failed request.
 *
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { GraphError } from "../errors.js";
import { guard } from "../internal/guard.js";
import { bytesToText, parseJson } from "../internal/json.js";
import { makeScrubber } from "../internal/redact.js";
import { decodeDelivery, describeKind, isObject, readOwn } from "./items.js";
import type { WebhookSession } from "./session.js";

export type { WebhookSession } from "./session.js";

/** Where the call came from, as the business number sees it. */
export type Metadata = { readonly phoneNumberId: string; readonly displayPhoneNumber?: string };

/** Fields every call event shares. */
export interface CallFields {
  readonly callId: string;
  readonly from?: string;
  readonly to?: string;
  /** `USER_INITIATED`, `BUSINESS_INITIATED`, or `UNKNOWN` with the value in `rawDirection`. */
  readonly direction?: "USER_INITIATED" | "BUSINESS_INITIATED" | "UNKNOWN";
  readonly rawDirection?: string;
  readonly timestamp?: Date;
  readonly bizOpaqueCallbackData?: string;
  readonly metadata: Metadata;
  /** The call object as delivered, unknown fields included: redacted, bounded, JSON-safe. */
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
  /** The status object as delivered: redacted, bounded, JSON-safe. */
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
  /** The message object as delivered: redacted, bounded, JSON-safe. */
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

/**
 * Why a delivery as a whole could not be decoded. `path` is a JSON path such as `$.entry`.
 * `MalformedDelivery` from {@link decodeWebhook} also stands for the first malformed item.
 */
export type WebhookDecodeError =
  | { readonly _tag: "InvalidJson"; readonly path: "$"; readonly message: string }
  | { readonly _tag: "NotAWhatsAppWebhook"; readonly path: string; readonly message: string }
  | { readonly _tag: "MalformedDelivery"; readonly path: string; readonly message: string };

/** One item of a delivery that could not be decoded, with its JSON path (`$.entry[0].changes[1].value.calls[0].id`). */
export interface WebhookItemProblem {
  readonly _tag: "MalformedItem";
  readonly path: string;
  readonly message: string;
}

/** A decoded delivery: the events that could be read, and the items that could not. */
export interface WebhookItems {
  readonly events: CallEvent[];
  readonly problems: readonly WebhookItemProblem[];
}

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
  if (!isObject(value)) return err({ _tag: "NotAWhatsAppWebhook", path: "$", message: "expected a JSON object" });
  const kind = readOwn(value, "object");
  if (kind !== "whatsapp_business_account") {
    return err({ _tag: "NotAWhatsAppWebhook", path: "$.object", message: `expected "whatsapp_business_account", got ${describeKind(kind, scrub)}` });
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
