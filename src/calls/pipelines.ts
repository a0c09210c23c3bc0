/**
 * Call pipelines that wait for webhooks: place a call (permission, connect, follow to the end)
 * and answer one (accept in time, follow to the end), each a `ResultAsync` whose success is how
 * the call ended and whose error says exactly what is left to handle.
 *
 * @module
 */
import { err, errAsync, ok, okAsync, ResultAsync } from "neverthrow";
import type { Operation } from "../catalog.js";
import { guard } from "../internal/guard.js";
import { catchTags } from "../recover.js";
import type { CallingClient } from "../client/client.js";
import type { Aborted, ClientErrorOf, InvalidInput, OutcomeUnknown } from "../client/errors.js";
import { answerIncomingCall, ensureCallPermission, settleOutcomeUnknown, type AnswerError, type EnsurePermissionError } from "../client/pipelines.js";
import type { SdpAnswer, SdpOffer } from "../client/types.js";
import type { MessageId } from "../response.js";
import type { CallConnect, CallPermissionReply } from "../webhook/event-types.js";
import { followCall, type CallEnd, type FollowError, type FollowOptions } from "./follow.js";
import type { CallEventSource, EventCursor } from "./source.js";

/** How an outbound call attempt ended: a call's end, or the permission step that stopped it. */
export type OutboundEnd =
  | CallEnd
  /** A permission request was sent, and no reply came within `permissionReplyMs`. */
  | { readonly _tag: "PermissionRequested"; readonly messageId: MessageId }
  /** The user answered the permission request with a no. */
  | { readonly _tag: "PermissionDeclined"; readonly reply: CallPermissionReply }
  /** A limit stops the request or the call until `retryAt` (when known). */
  | { readonly _tag: "NotAllowedUntil"; readonly retryAt?: Date; readonly reason: "request-limit" | "call-limit" };

/** Errors of {@link placeCall}: the permission step's, the connect's, and following the call. */
export type PlaceCallError = EnsurePermissionError | ClientErrorOf<"connect"> | FollowError;

/** Errors of {@link answerCall}: answering's, and following the call. */
export type AnswerCallError = AnswerError | FollowError;

/** What {@link placeCall} needs. */
export interface PlaceCallInput {
  readonly to: string;
  readonly sdp: SdpOffer;
  /** The text of the permission request, sent when the user has not granted permission. */
  readonly permissionRequestBody: string;
  /** Correlates the webhooks with this attempt; unique per attempt. @default "wacall-" + a random UUID */
  readonly bizOpaqueCallbackData?: string;
}

/** Options of {@link placeCall}. */
export interface PlaceCallOptions extends FollowOptions {
  /** Wait this long for the user's reply to a permission request; 0 returns `PermissionRequested` at once. @default 0 */
  readonly permissionReplyMs?: number;
  /** Wait this long for a webhook that settles a connect whose outcome was unknown. @default 15_000 */
  readonly settleMs?: number;
}

/** A non-negative finite number option, or the fallback. */
function msOption(options: unknown, key: string, fallback: number): number {
  const v = guard(() => (typeof options === "object" && options !== null ? (options as Record<string, unknown>)[key] : undefined), () => undefined);
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : fallback;
}

/** An AbortSignal option, if it is one. */
function signalOption(options: unknown): AbortSignal | undefined {
  return guard(() => {
    const s: unknown = typeof options === "object" && options !== null ? (options as { signal?: unknown }).signal : undefined;
    return s instanceof AbortSignal ? s : undefined;
  }, () => undefined);
}

/** Rejected input of a pipeline, before any request. */
function invalid(operation: Operation, field: string, message: string): InvalidInput {
  return { _tag: "InvalidInput", category: "request", operation, field, message, retryable: false, advice: { kind: "after-fix" }, attempts: 0, elapsedMs: 0, history: [] };
}

/**
 * Settles a connect whose outcome is unknown from the webhooks published after `after`: the
 * first event with its `bizOpaqueCallbackData` proves the call was placed; none within
 * `settleMs` gives the original error back.
 */
function settleFromWebhooks(source: CallEventSource, outcome: OutcomeUnknown | Aborted, after: EventCursor, settleMs: number, signal: AbortSignal | undefined): ResultAsync<string, OutcomeUnknown | Aborted> {
  const key = outcome.bizOpaqueCallbackData;
  if (key === undefined || (outcome._tag === "Aborted" && !outcome.sent)) return errAsync(outcome);
  return source
    .next({ bizOpaqueCallbackData: key }, { after, deadlineMs: settleMs, ...(signal !== undefined && { signal }) })
    .mapErr(() => outcome)
    .andThen((event) => settleOutcomeUnknown(outcome, [event]).map((placed) => placed.callId).mapErr(() => outcome));
}

/**
 * Places a business-initiated call and follows it to its end. Ensures the user's permission
 * first: when it is missing, sends the request and (with `permissionReplyMs`) waits for the
 * reply webhook. Then connects, with a `bizOpaqueCallbackData` that the webhooks carry, so that
 * a connect whose outcome is unknown is settled from them instead of retried blind. Then folds
 * the call's webhooks until its terminate. Events that arrive before their wait (the webhook can
 * beat the connect response) are read from the source's replay buffer. Never throws.
 *
 * @example
 * const handler = createWebhookHandler({ appSecret, verifyToken, onEvent: source.publish });
 * const end = await placeCall(client, source, { to: "15551234567", sdp: sdpOffer(offer), permissionRequestBody: "May we call you?" }, { permissionReplyMs: 60_000 });
 * end.match((e) => console.log(e._tag), (e) => console.log("failed:", e._tag));
 */
export function placeCall(client: CallingClient, source: CallEventSource, input: PlaceCallInput, options: PlaceCallOptions = {}): ResultAsync<OutboundEnd, PlaceCallError> {
  if (typeof input !== "object" || input === null) {
    return errAsync(invalid("connect", "input", "expected an object { to, sdp: sdpOffer(…), permissionRequestBody, bizOpaqueCallbackData? }"));
  }
  const read = guard(
    () => {
      const to: unknown = input.to;
      const sdp: unknown = input.sdp;
      const body: unknown = input.permissionRequestBody;
      const opaque: unknown = input.bizOpaqueCallbackData;
      return { to, sdp, body, opaque };
    },
    () => undefined,
  );
  if (read === undefined) return errAsync(invalid("connect", "input", "could not be read (a getter or Proxy threw)"));
  const { to, sdp, body } = read;
  if (typeof to !== "string") return errAsync(invalid("connect", "to", "must be the user's WhatsApp id"));
  if (typeof body !== "string") return errAsync(invalid("send_call_permission_request", "permissionRequestBody", "must be a string"));
  const opaque = typeof read.opaque === "string" ? read.opaque : `wacall-${globalThis.crypto.randomUUID()}`;
  const permissionReplyMs = msOption(options, "permissionReplyMs", 0);
  const settleMs = msOption(options, "settleMs", 15_000);
  const followMs = msOption(options, "followMs", 3_600_000);
  const signal = signalOption(options);
  const waitOptions = signal === undefined ? {} : { signal };
  const started = guard(() => source.position(), () => 0 as EventCursor);

  const connectAndFollow = (): ResultAsync<OutboundEnd, PlaceCallError> => {
    const before = guard(() => source.position(), () => 0 as EventCursor);
    const connected = new ResultAsync(
      Promise.resolve()
        .then(() => client.connect({ to, sdp: sdp as SdpOffer, bizOpaqueCallbackData: opaque }, waitOptions))
        .catch(() => err(invalid("connect", "client", "is not a CallingClient (connect is missing, threw, or did not return a Result)"))),
    );
    // An unknown outcome is settled from the webhooks; every other error stays as it is.
    const placed = catchTags(connected, {
      OutcomeUnknown: (e) => settleFromWebhooks(source, e, before, settleMs, signal),
      Aborted: (e) => settleFromWebhooks(source, e, before, settleMs, signal),
    });
    return placed.andThen((callId) => followCall(source, callId, { after: before, followMs, ...waitOptions }));
  };

  const waitForReply = (messageId: MessageId): ResultAsync<OutboundEnd, PlaceCallError> => {
    const requested = { _tag: "PermissionRequested", messageId } as const;
    if (permissionReplyMs === 0) return okAsync(requested);
    const reply = source.next((e) => e._tag === "CallPermissionReply" && e.from === to, { after: started, deadlineMs: permissionReplyMs, ...waitOptions });
    const decided = reply.map((e): OutboundEnd | "accepted" => {
      if (e._tag !== "CallPermissionReply") return requested;
      return e.response === "accept" ? "accepted" : { _tag: "PermissionDeclined", reply: e };
    });
    // No reply in time is not a failure: the request stands, and the call waits for another day.
    return catchTags(decided, { EventWaitTimeout: () => ok(requested) }).andThen((d) => (d === "accepted" ? connectAndFollow() : okAsync(d)));
  };

  return ensureCallPermission(client, { user: to, requestBody: body }).andThen((outcome): ResultAsync<OutboundEnd, PlaceCallError> => {
    switch (outcome._tag) {
      case "Granted":
        return connectAndFollow();
      case "Requested":
        return waitForReply(outcome.messageId);
      case "NotAllowedUntil":
        return okAsync(outcome);
    }
  });
}

/** Options of {@link answerCall}. */
export interface AnswerCallOptions extends FollowOptions {
  /** The accept window from the connect webhook. @default 60_000 */
  readonly windowMs?: number;
  /** Epoch milliseconds, for the accept window. @default Date.now */
  readonly clock?: () => number;
  /** Sent with the accept; the call's later webhooks carry it. */
  readonly bizOpaqueCallbackData?: string;
}

/**
 * Answers a user-initiated call from its connect webhook within the accept window (pre-accept,
 * then accept, as `answerIncomingCall` does), then follows it to its end on `source`. Never
 * throws.
 *
 * @example
 * const incoming = await source.next((e) => e._tag === "CallConnect" && e.direction === "USER_INITIATED");
 * if (incoming.isOk() && incoming.value._tag === "CallConnect") {
 *   const end = await answerCall(client, source, incoming.value, sdpAnswer(answer));
 * }
 */
export function answerCall(client: CallingClient, source: CallEventSource, event: CallConnect, answer: SdpAnswer, options: AnswerCallOptions = {}): ResultAsync<CallEnd, AnswerCallError> {
  const windowMs = msOption(options, "windowMs", 60_000);
  const followMs = msOption(options, "followMs", 3_600_000);
  const signal = signalOption(options);
  const clock = guard(() => {
    const c: unknown = options.clock;
    return typeof c === "function" ? (c as () => number) : undefined;
  }, () => undefined);
  const opaque = guard(() => {
    const o: unknown = options.bizOpaqueCallbackData;
    return typeof o === "string" ? o : undefined;
  }, () => undefined);
  const answerOptions = { windowMs, ...(clock !== undefined && { clock }), ...(opaque !== undefined && { bizOpaqueCallbackData: opaque }) };
  // The connect event itself is in the replay buffer: following from there folds it in too.
  return answerIncomingCall(client, event, answer, answerOptions).andThen((callId) => followCall(source, callId, { followMs, ...(signal !== undefined && { signal }) }));
}
