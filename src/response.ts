/**
 * Decoding of Calling API responses per operation: the first place a `Result` appears.
 *
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { Operation } from "./catalog.js";
import { decodeGraphError, malformed, type DecodeContext } from "./decode.js";
import { forOperation, malformedResponse, type GraphErrorOf } from "./errors.js";
import { guard } from "./internal/guard.js";
import { bytesToText, isDict, own, parseJson, type Dict } from "./internal/json.js";
import { redactDeep } from "./internal/redact.js";
import type { Clock, HeadersLike } from "./retry.js";

declare const callIdBrand: unique symbol;
declare const messageIdBrand: unique symbol;

/** A WhatsApp call id (`wacid.…`), branded so a random string is not taken for one. */
export type CallId = `wacid.${string}` & { readonly [callIdBrand]: true };

/** A WhatsApp message id (`wamid.…`). */
export type MessageId = `wamid.${string}` & { readonly [messageIdBrand]: true };

/**
 * Checks and brands a call id.
 *
 * @example
 * asCallId("wacid.ABGGFjFVU2AfAgo6V"); // Ok(CallId)
 */
export function asCallId(value: unknown): Result<CallId, string> {
  return typeof value === "string" && /^wacid\.\S+$/.test(value)
    ? ok(value as CallId)
    : err("a call id is a string starting with 'wacid.'");
}

/** Checks and brands a message id. */
export function asMessageId(value: unknown): Result<MessageId, string> {
  return typeof value === "string" && /^wamid\.\S+$/.test(value)
    ? ok(value as MessageId)
    : err("a message id is a string starting with 'wamid.'");
}

/** The permission states of both documentations, and `unknown` for anything else. */
export type PermissionStatus =
  | "no_permission"
  | "temporary"
  | "permanent"
  | "granted"
  | "pending"
  | "denied"
  | "expired"
  | "unknown";

const permissionStatuses = new Set<string>([
  "no_permission", "temporary", "permanent", "granted", "pending", "denied", "expired",
]);

/** One usage limit of a permission action. */
export interface ActionLimit {
  /** The window as sent: `PT24H`, `P7D`, or older forms such as `24h`. */
  readonly period: string;
  readonly maxAllowed?: number;
  readonly currentUsage?: number;
  /** When the limit resets; present only when the limit is reached. */
  readonly resetsAt?: Date;
}

/** What the business may do next with this user, and its limits. */
export interface PermissionAction {
  /** `send_call_permission_request`, `start_call`, or another name Meta adds. */
  readonly name: string;
  readonly canPerform: boolean;
  readonly limits: readonly ActionLimit[];
}

/** The answer of `GET /{phone-number-id}/call_permissions`. */
export interface CallPermissions {
  readonly status: PermissionStatus;
  /** The status as sent, also when it is not one wacall knows. */
  readonly rawStatus: string;
  /** When a temporary permission expires; absent for permanent permission. */
  readonly expiresAt?: Date;
  /**
   * Whether a call may be placed now: the `start_call` action when present, otherwise the status
   * (`temporary`, `permanent`, `granted`).
   */
  readonly canCall: boolean;
  /** Whether a permission request may be sent now (the `send_call_permission_request` action). */
  readonly canRequestPermission: boolean;
  readonly actions: readonly PermissionAction[];
}

/** Calling settings as returned by `GET /{phone-number-id}/settings` (fields Meta may omit are optional). */
export interface CallingSettings {
  readonly status?: "ENABLED" | "DISABLED";
  readonly callIconVisibility?: "DEFAULT" | "DISABLE_ALL";
  readonly callbackPermissionStatus?: "ENABLED" | "DISABLED";
  readonly srtpKeyExchangeProtocol?: "DTLS" | "SDES";
  readonly callHours?: unknown;
  readonly sip?: unknown;
  readonly restrictions?: unknown;
  /** The whole `calling` object as received. */
  readonly raw: unknown;
}

/** The success value of each operation. */
export interface SuccessByOperation {
  readonly connect: CallId;
  readonly pre_accept: { readonly success: true };
  readonly accept: { readonly success: true };
  readonly reject: { readonly success: true };
  readonly terminate: { readonly success: true };
  readonly get_call_permissions: CallPermissions;
  readonly send_call_permission_request: MessageId;
  readonly get_settings: CallingSettings;
  readonly update_settings: { readonly success: true };
}

/** The success value of operation `O`. */
export type SuccessOf<O extends Operation> = SuccessByOperation[O];

/**
 * A response as received: status, body (string, bytes or parsed JSON), and headers. A fetch
 * `Response` fits this shape but its body is a stream: pass `{ status: res.status, body: await
 * res.text(), headers: res.headers }` (given as is, it decodes to `MalformedResponse` `unreadable`).
 */
export interface RawResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: HeadersLike | undefined;
}



function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

function epochSeconds(v: unknown): Date | undefined {
  const n = num(v);
  if (n === undefined) return undefined;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function decodeLimits(v: unknown): ActionLimit[] {
  if (!Array.isArray(v)) return [];
  const out: ActionLimit[] = [];
  for (const l of v) {
    if (!isDict(l)) continue;
    const maxAllowed = num(own(l, "max_allowed"));
    const currentUsage = num(own(l, "current_usage"));
    const resetsAt = epochSeconds(own(l, "limit_expiration_time"));
    out.push({
      period: typeof own(l, "time_period") === "string" ? (own(l, "time_period") as string) : "",
      ...(maxAllowed !== undefined && { maxAllowed }),
      ...(currentUsage !== undefined && { currentUsage }),
      ...(resetsAt !== undefined && { resetsAt }),
    });
  }
  return out;
}

function decodePermissions(body: Dict): CallPermissions | undefined {
  const p = own(body, "permission");
  if (!isDict(p)) return undefined;
  const rawStatus = own(p, "status");
  if (typeof rawStatus !== "string") return undefined;
  const status = permissionStatuses.has(rawStatus.toLowerCase())
    ? (rawStatus.toLowerCase() as PermissionStatus)
    : "unknown";
  const expiresAt = epochSeconds(own(p, "expiration_time"));
  const rawActions = own(body, "actions");
  const actions: PermissionAction[] = [];
  if (Array.isArray(rawActions)) {
    for (const a of rawActions) {
      if (!isDict(a) || typeof own(a, "action_name") !== "string") continue;
      actions.push({
        name: own(a, "action_name") as string,
        canPerform: own(a, "can_perform_action") === true,
        limits: decodeLimits(own(a, "limits")),
      });
    }
  }
  const startCall = actions.find((a) => a.name === "start_call");
  const request = actions.find((a) => a.name === "send_call_permission_request");
  const granted = status === "temporary" || status === "permanent" || status === "granted";
  return {
    status,
    rawStatus,
    ...(expiresAt !== undefined && { expiresAt }),
    canCall: startCall?.canPerform ?? granted,
    canRequestPermission: request?.canPerform ?? !granted,
    actions,
  };
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T | undefined {
  return typeof v === "string" && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
}

function decodeSettings(body: Dict): CallingSettings | undefined {
  const c = own(body, "calling");
  if (!isDict(c)) return undefined;
  const status = oneOf(own(c, "status"), ["ENABLED", "DISABLED"] as const);
  const icon = oneOf(own(c, "call_icon_visibility"), ["DEFAULT", "DISABLE_ALL"] as const);
  const callback = oneOf(own(c, "callback_permission_status"), ["ENABLED", "DISABLED"] as const);
  const srtp = oneOf(own(c, "srtp_key_exchange_protocol"), ["DTLS", "SDES"] as const);
  // Copies: JSON-safe, bounded, credential-named keys redacted.
  const optional = (k: string, name: string) => (own(c, k) === undefined ? {} : { [name]: redactDeep(own(c, k)) });
  return {
    ...(status !== undefined && { status }),
    ...(icon !== undefined && { callIconVisibility: icon }),
    ...(callback !== undefined && { callbackPermissionStatus: callback }),
    ...(srtp !== undefined && { srtpKeyExchangeProtocol: srtp }),
    ...optional("call_hours", "callHours"),
    ...optional("sip", "sip"),
    ...optional("restrictions", "restrictions"),
    raw: redactDeep(c),
  };
}

const MAX_ID = 1024;

function anyId(value: unknown): Result<unknown, string> {
  return typeof value === "string" && value.trim() !== "" && value.length <= MAX_ID ? ok(value) : err("expected a non-empty id");
}

function firstId(list: unknown, check: (v: unknown) => Result<unknown, string>): unknown {
  if (!Array.isArray(list) || !isDict(list[0])) return undefined;
  const id = own(list[0], "id");
  return check(id).isOk() ? id : undefined;
}

function decodeSuccess(operation: Operation, body: Dict): SuccessOf<Operation> | undefined {
  switch (operation) {
    case "connect":
      // A 2xx connect placed the call: its id is taken whatever its format, so a change of
      // Meta's id scheme cannot turn a placed call into a failure (and a retry into a second call).
      return firstId(own(body, "calls"), anyId) as CallId | undefined;
    case "send_call_permission_request":
      return firstId(own(body, "messages"), asMessageId) as MessageId | undefined;
    case "get_call_permissions":
      return decodePermissions(body);
    case "get_settings":
      return decodeSettings(body);
    case "pre_accept":
    case "accept":
    case "reject":
    case "terminate":
    case "update_settings":
      return own(body, "success") === true ? { success: true } : undefined;
  }
}

function parseBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
  const text = bytesToText(body);
  if (text === undefined) return { ok: true, value: body };
  const t = text.trimStart();
  return t.startsWith("{") ? parseJson(t) : { ok: false };
}

/**
 * Decodes a Calling API response for one operation into `Ok(success)` or `Err(GraphError)`.
 * A non-2xx status, a body with an `error` key, `success: false`, or a 2xx body without the
 * expected fields (e.g. no call id) is an error value, never a success.
 *
 * @example
 * const r = decodeCallingResponse("connect", {
 *   status: 200,
 *   body: { messaging_product: "whatsapp", calls: [{ id: "wacid.HBgLMTY1" }] },
 * });
 * r.isOk() && r.value; // "wacid.HBgLMTY1"
 */
export function decodeCallingResponse<O extends Operation>(
  operation: O,
  response: RawResponse,
  options: DecodeOptions = {},
): Result<SuccessOf<O>, GraphErrorOf<O>> {
  return guard(
    () => decodeResponse(operation, readResponse(response), readOptions(options)),
    () => err(forOperation(malformed("unreadable", undefined, {}), operation)),
    err(unreadable as GraphErrorOf<O>),
  );
}

/** Options of {@link decodeCallingResponse}. */
export interface DecodeOptions {
  /** Epoch milliseconds now; `Date.now` by default. */
  readonly clock?: Clock | undefined;
  /** Exact secrets to scrub from the error, in any form (e.g. the access token). */
  readonly secrets?: readonly string[] | undefined;
}

const unreadable = malformed("unreadable", undefined, {});

/** Stands for the body of a fetch `Response`, which is a stream (never read here). */
const streamBody: unique symbol = Symbol("stream body");

/** Whether `v` is an instance of the global `name`, where the runtime has one (a Proxy's trap may throw). */
function isInstance(v: unknown, name: "Response" | "ReadableStream" | "Blob"): boolean {
  // The client's own bodies are strings: no global lookup and no guard for them.
  if (typeof v !== "object" || v === null) return false;
  return guard(() => {
    const type: unknown = (globalThis as Record<string, unknown>)[name];
    return typeof type === "function" && v instanceof (type as abstract new () => object);
  }, () => false);
}

/** What to do with a body that is still a stream, said in the error. */
const streamMessage =
  "The body is a stream (a fetch Response, a ReadableStream or a Blob), which cannot be read synchronously: pass { status: res.status, body: await res.text(), headers: res.headers }.";

/**
 * Reads the user's response object once; anything that is not a response reads as status 0. A
 * fetch `Response` (its fields are getters) keeps its status and headers; its body stays unread.
 */
function readResponse(response: RawResponse): RawResponse {
  if (isInstance(response, "Response")) {
    const status = guard(() => response.status, () => 0);
    return { status: typeof status === "number" && Number.isFinite(status) ? status : 0, body: streamBody, headers: guard(() => response.headers, () => undefined) };
  }
  if (!isDict(response)) return { status: 0, body: undefined };
  const status = own(response, "status");
  return {
    status: typeof status === "number" && Number.isFinite(status) ? status : 0,
    body: own(response, "body"),
    headers: own(response, "headers") as RawResponse["headers"],
  };
}

function readOptions(options: DecodeOptions): DecodeOptions {
  if (!isDict(options)) return {};
  const clock = own(options, "clock");
  const secrets = own(options, "secrets");
  return {
    ...(typeof clock === "function" && { clock: clock as Clock }),
    ...(Array.isArray(secrets) && { secrets: secrets as readonly string[] }),
  };
}

function decodeResponse<O extends Operation>(
  operation: O,
  response: RawResponse,
  options: DecodeOptions,
): Result<SuccessOf<O>, GraphErrorOf<O>> {
  const fail = (e: Parameters<typeof forOperation>[0]) => err(forOperation(e, operation));
  const ctx: DecodeContext = { status: response.status, headers: response.headers, operation, clock: options.clock, secrets: options.secrets };
  if (response.body === streamBody || isInstance(response.body, "ReadableStream") || isInstance(response.body, "Blob")) {
    return fail(malformedResponse("unreadable", "", { message: streamMessage, ...(response.status > 0 && { httpStatus: response.status }), advice: "never", raw: undefined }));
  }
  const is2xx = response.status >= 200 && response.status < 300;
  if (!is2xx) return fail(decodeGraphError(response.body, ctx));
  const parsed = parseBody(response.body);
  if (!parsed.ok) return fail(decodeGraphError(response.body, ctx));
  const body = parsed.value;
  if (!isDict(body)) return fail(malformed("unexpected-success-shape", body, ctx));
  if (own(body, "error") !== undefined) return fail(decodeGraphError(body, ctx));
  if (own(body, "success") === false) return fail(malformed("success-false", body, ctx));
  const success = decodeSuccess(operation, body);
  return success === undefined
    ? fail(malformed("unexpected-success-shape", body, ctx))
    : ok(success as SuccessOf<O>);
}
