/**
 * Call pipelines: the steps real call flows repeat, composed from the client and the webhook
 * events, each returning a `ResultAsync` or `Result`.
 *
 * @module
 */
import { err, errAsync, ok, ResultAsync, type Result } from "neverthrow";
import type { Operation } from "../catalog.js";
import { catchTags } from "../recover.js";
import type { CallId, CallPermissions, MessageId } from "../response.js";
import type { CallConnect, CallEvent } from "../webhook/events.js";
import type { CallingClient } from "./client.js";
import type { Aborted, ClientErrorOf, InvalidInput, OutcomeUnknown } from "./errors.js";
import type { SdpAnswer } from "./types.js";

/** Where a user's call permission stands after {@link ensureCallPermission}. */
export type PermissionOutcome =
  | { readonly _tag: "Granted"; readonly permissions?: CallPermissions }
  | { readonly _tag: "Requested"; readonly messageId: MessageId }
  | {
      readonly _tag: "NotAllowedUntil";
      /** When a request (or a call) may be tried again, if known. */
      readonly retryAt?: Date;
      readonly reason: "request-limit" | "call-limit";
    };

/**
 * Errors of {@link ensureCallPermission}: the look-up's, and the request's except the two it
 * turns into outcomes (`PermanentCallPermissionExists` is `Granted`, `CallPermissionRequestLimitHit`
 * is `NotAllowedUntil`).
 */
export type EnsurePermissionError =
  | ClientErrorOf<"get_call_permissions">
  | Exclude<ClientErrorOf<"send_call_permission_request">, { readonly _tag: "PermanentCallPermissionExists" | "CallPermissionRequestLimitHit" }>;

function latestReset(p: CallPermissions, action: string): Date | undefined {
  // A loop, not Math.max(...times): a long list would overflow the argument stack.
  let latest: number | undefined;
  for (const a of p.actions) {
    if (a.name !== action) continue;
    for (const l of a.limits) {
      const t = l.resetsAt?.getTime();
      if (t !== undefined && Number.isFinite(t) && (latest === undefined || t > latest)) latest = t;
    }
  }
  return latest === undefined ? undefined : new Date(latest);
}

/**
 * Looks up the user's call permission; when it is missing and a request is allowed, sends the
 * request. A user who already granted permanent permission (138017) counts as `Granted`; a
 * request limit (138009, or the look-up saying no) is `NotAllowedUntil` with the reset time.
 *
 * @example
 * const step = await ensureCallPermission(client, { user: "15551234567", requestBody: "Can we call you about your order?" });
 */
export function ensureCallPermission(
  client: CallingClient,
  input: { readonly user: string; readonly requestBody: string },
): ResultAsync<PermissionOutcome, EnsurePermissionError> {
  return new ResultAsync(ensure(client, input).catch(() => err(brokenClient("get_call_permissions"))));
}

async function ensure(client: CallingClient, input: { readonly user: string; readonly requestBody: string }): Promise<Result<PermissionOutcome, EnsurePermissionError>> {
  if (typeof input !== "object" || input === null) return err(invalid("get_call_permissions", "input", "expected an object { user, requestBody }"));
  let user: unknown;
  let requestBody: unknown;
  try {
    user = input.user;
    requestBody = input.requestBody;
  } catch {
    return err(invalid("get_call_permissions", "input", "could not be read (a getter or Proxy threw)"));
  }
  if (typeof user !== "string") return err(invalid("get_call_permissions", "user", "must be the user's WhatsApp id"));
  if (typeof requestBody !== "string") return err(invalid("send_call_permission_request", "requestBody", "must be a string"));
  const looked = await fromClient("get_call_permissions", () => client.getCallPermissions({ userWaId: user }));
  if (looked.isErr()) return err(looked.error);
  const p = looked.value;
  if (p.canCall) return ok({ _tag: "Granted", permissions: p });
  const granted = p.status === "temporary" || p.status === "permanent" || p.status === "granted";
  if (granted) {
    const retryAt = latestReset(p, "start_call");
    return ok({ _tag: "NotAllowedUntil", reason: "call-limit", ...(retryAt !== undefined && { retryAt }) });
  }
  if (!p.canRequestPermission) {
    const retryAt = latestReset(p, "send_call_permission_request");
    return ok({ _tag: "NotAllowedUntil", reason: "request-limit", ...(retryAt !== undefined && { retryAt }) });
  }
  const sent = await fromClient("send_call_permission_request", () => client.sendCallPermissionRequest({ to: user, body: requestBody }));
  // Two of the request's errors are answers, not failures: recovering them removes them from the
  // error type, so the compiler knows they cannot come out.
  return catchTags(sent.map((messageId): PermissionOutcome => ({ _tag: "Requested", messageId })), {
    PermanentCallPermissionExists: () => ok<PermissionOutcome>({ _tag: "Granted" }),
    CallPermissionRequestLimitHit: (e) => ok<PermissionOutcome>({ _tag: "NotAllowedUntil", reason: "request-limit", ...(e.retryAt !== undefined && { retryAt: e.retryAt }) }),
  });
}

/** Rejected input of a pipeline, before any request. */
function invalid(operation: Operation, field: string, message: string): InvalidInput {
  return { _tag: "InvalidInput", category: "request", operation, field, message, retryable: false, advice: { kind: "after-fix" }, attempts: 0, elapsedMs: 0, history: [] };
}

/** What a pipeline returns when the client it was given is not a working {@link CallingClient}. */
function brokenClient(operation: Operation): InvalidInput {
  return invalid(operation, "client", "is not a CallingClient (a method is missing, threw, or did not return a Result)");
}

/**
 * Runs one client method and waits for its `Result`. A method that is missing, throws, rejects
 * or resolves to something that is not a `Result` gives `InvalidInput` on `client`.
 */
async function fromClient<T, E>(operation: Operation, run: () => PromiseLike<Result<T, E>>): Promise<Result<T, E | InvalidInput>> {
  try {
    const r: unknown = await run();
    return typeof r === "object" && r !== null && typeof (r as { isOk?: unknown }).isOk === "function" && typeof (r as { isErr?: unknown }).isErr === "function"
      ? (r as Result<T, E>)
      : err(brokenClient(operation));
  } catch {
    return err(brokenClient(operation));
  }
}

/** The incoming call can no longer be answered: the accept window has passed. */
export interface AnswerWindowMissed {
  readonly _tag: "AnswerWindowMissed";
  readonly category: "connection";
  readonly callId: string;
  /** When the window closed. */
  readonly deadline: Date;
  readonly message: string;
  readonly retryable: false;
}

/** The event is not a user-initiated connect, so there is nothing to answer. */
export interface NotAnIncomingCall {
  readonly _tag: "NotAnIncomingCall";
  readonly category: "request";
  readonly callId: string;
  readonly message: string;
  readonly retryable: false;
}

/** Errors of {@link answerIncomingCall}. */
export type AnswerError = ClientErrorOf<"pre_accept"> | ClientErrorOf<"accept"> | AnswerWindowMissed | NotAnIncomingCall;

/**
 * Answers a user-initiated call from its connect webhook: pre-accept, then accept with the same
 * SDP answer, within the window Meta gives (60 s by default). Late is a typed error, not a
 * request that is bound to fail.
 *
 * @example
 * if (event._tag === "CallConnect") await answerIncomingCall(client, event, sdpAnswer(answer.sdp));
 */
export function answerIncomingCall(
  client: CallingClient,
  event: CallConnect,
  answer: SdpAnswer,
  options: { readonly windowMs?: number; readonly clock?: () => number; readonly bizOpaqueCallbackData?: string } = {},
): ResultAsync<CallId, AnswerError> {
  // Read the event and the options once, through one guarded boundary: a getter that throws or
  // a clock that fails must not turn this function into one that throws.
  let read: { callId: string; incoming: boolean; startedAt: number | undefined; windowMs: number; now: number; opaque: unknown };
  try {
    const callId: unknown = event.callId;
    const direction: unknown = event.direction;
    const startedAt: unknown = event.timestamp instanceof Date ? event.timestamp.getTime() : undefined;
    const windowMs: unknown = options.windowMs;
    read = {
      callId: typeof callId === "string" ? callId : "",
      incoming: direction === "USER_INITIATED" && typeof callId === "string" && callId.startsWith("wacid."),
      startedAt: typeof startedAt === "number" && Number.isFinite(startedAt) ? startedAt : undefined,
      windowMs: typeof windowMs === "number" && Number.isFinite(windowMs) && windowMs >= 0 ? windowMs : 60_000,
      now: safeNow(options.clock),
      opaque: options.bizOpaqueCallbackData,
    };
  } catch {
    read = { callId: "", incoming: false, startedAt: undefined, windowMs: 60_000, now: Date.now(), opaque: undefined };
  }
  if (!read.incoming) {
    return errAsync({ _tag: "NotAnIncomingCall", category: "request", callId: read.callId.slice(0, 512), message: "Only a user-initiated connect can be answered", retryable: false });
  }
  const callId = read.callId as CallId;
  const windowMs = read.windowMs;
  const now = read.now;
  const started = read.startedAt ?? now;
  if (now > started + windowMs) {
    return errAsync({
      _tag: "AnswerWindowMissed",
      category: "connection",
      callId,
      deadline: new Date(started + windowMs),
      message: `The call can only be accepted within ${windowMs} ms of its connect webhook`,
      retryable: false,
    });
  }
  const opaque = typeof read.opaque === "string" ? { bizOpaqueCallbackData: read.opaque } : {};
  const steps = async (): Promise<Result<CallId, AnswerError>> => {
    const pre = await fromClient("pre_accept", () => client.preAccept({ callId, sdp: answer }));
    if (pre.isErr()) return err(pre.error);
    const acc = await fromClient("accept", () => client.accept({ callId, sdp: answer, ...opaque }));
    return acc.isErr() ? err(acc.error) : ok(callId);
  };
  return new ResultAsync(steps().catch(() => err(brokenClient("pre_accept"))));
}

/** The most events {@link settleOutcomeUnknown} looks at; an endless iterable stops there. */
const MAX_EVENTS = 1_000_000;

/** What the webhooks say about a `connect` whose outcome was unknown. */
export type Settlement =
  | { readonly _tag: "CallPlaced"; readonly callId: string; readonly lastEvent: CallEvent["_tag"] }
  | { readonly _tag: "StillUnknown"; readonly reason: "no-matching-event" | "no-correlation-data" };

/**
 * Settles an `OutcomeUnknown` connect from the webhook events seen since: a status, connect or
 * terminate event with the same `bizOpaqueCallbackData` (and recipient) proves the call was
 * placed. Without such an event it is still unknown; Meta's webhooks usually arrive within
 * seconds, so wait a little before calling again. Give every connect a unique
 * `bizOpaqueCallbackData` to make this possible. A `connect` that ended in `Aborted` with
 * `sent: true` is settled the same way. At most the first million events are looked at.
 *
 * @example
 * const s = settleOutcomeUnknown(outcome, eventsSince);
 * if (s.isOk()) console.log("placed after all:", s.value.callId);
 */
export function settleOutcomeUnknown(
  outcome: OutcomeUnknown | Aborted,
  events: Iterable<CallEvent>,
): Result<Extract<Settlement, { _tag: "CallPlaced" }>, Extract<Settlement, { _tag: "StillUnknown" }>> {
  let key: string | undefined;
  let target: string | undefined;
  try {
    key = typeof outcome.bizOpaqueCallbackData === "string" ? outcome.bizOpaqueCallbackData : undefined;
    const t: unknown = outcome.to ?? outcome.recipient;
    target = typeof t === "string" ? t : undefined;
  } catch {
    key = undefined;
  }
  if (key === undefined) return err({ _tag: "StillUnknown", reason: "no-correlation-data" });
  let found: Extract<Settlement, { _tag: "CallPlaced" }> | undefined;
  try {
    if (typeof events !== "object" || events === null) return err({ _tag: "StillUnknown", reason: "no-matching-event" });
    let seen = 0;
    for (const e of events) {
      // Bounded, so that an endless iterable cannot hang the caller; non-objects are skipped
      // without a throw (a million thrown TypeErrors would take seconds).
      if (++seen > MAX_EVENTS) break;
      if (typeof e !== "object" || e === null) continue;
      try {
        if (e._tag !== "CallStatus" && e._tag !== "CallConnect" && e._tag !== "CallTerminate") continue;
        if (e.bizOpaqueCallbackData !== key) continue;
        const user = e._tag === "CallStatus" ? e.recipientId : e.to;
        if (target !== undefined && user !== undefined && user !== target) continue;
        if (typeof e.callId === "string") found = { _tag: "CallPlaced", callId: e.callId, lastEvent: e._tag };
      } catch {
        // An event that cannot be read proves nothing; the others still count.
      }
    }
  } catch {
    // An iterable that fails part-way: what was seen before the failure still counts.
  }
  return found === undefined ? err({ _tag: "StillUnknown", reason: "no-matching-event" }) : ok(found);
}

/** The clock's time, or `Date.now()` when the clock throws or returns something other than a finite number. */
function safeNow(clock: (() => number) | undefined): number {
  if (clock === undefined) return Date.now();
  try {
    const t = clock();
    return typeof t === "number" && Number.isFinite(t) ? t : Date.now();
  } catch {
    return Date.now();
  }
}
