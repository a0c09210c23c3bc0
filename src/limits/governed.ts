/**
 * A client that asks a limit governor before each request Meta counts: over a limit, the request
 * is refused locally, with the variant Meta would have answered.
 *
 * @module
 */
import { err, ResultAsync, type Result } from "neverthrow";
import type { Operation } from "../catalog.js";
import type { StoreUnavailable } from "../calls/store-error.js";
import type { CallingClient, CallOptions } from "../client/client.js";
import type { ApiErrorOf, ClientErrorOf, NetworkError } from "../client/errors.js";
import { graphError } from "../errors.js";
import { guard } from "../internal/guard.js";
import { optionOf } from "../webhook/options.js";
import type { LimitGovernor, LimitRefused, LimitRequest, Reservation, ReservationOutcome } from "./types.js";

/** Options of {@link governed}. */
export interface GovernedOptions {
  /**
   * What a request does when the governor's store fails: `refuse` it (a `NetworkError` with
   * `notSent: true` and `errorCode: "LIMIT_STORE_UNAVAILABLE"`, retryable) or `allow` it
   * uncounted (Meta still enforces its limits).
   * @default "refuse"
   */
  readonly onStoreError?: "refuse" | "allow";
  /** Told when settling or releasing a reservation failed after the request was answered (the request's result is not changed). */
  readonly onError?: (error: StoreUnavailable) => void;
}

/** What `raw` holds on a request the governor refused: the limit, its value, and what was used. */
export interface LocalRefusal {
  readonly decidedBy: "limit-governor";
  readonly limit: LimitRefused["limit"];
  readonly max: number;
  readonly used: number;
}

const tagOf = {
  "concurrent-calls": "ConcurrentCallsLimit",
  "new-calls-per-day": "CallRateLimitExceeded",
  "calls-per-user-per-day": "BusinessInitiatedCallsLimitHit",
  "permission-requests-per-day": "CallPermissionRequestLimitHit",
  "permission-requests-per-week": "CallPermissionRequestLimitHit",
} as const;

const wording: Record<LimitRefused["limit"], string> = {
  "concurrent-calls": "concurrent calls are up",
  "new-calls-per-day": "new calls in the last 24 hours",
  "calls-per-user-per-day": "calls to this user in the last 24 hours",
  "permission-requests-per-day": "permission requests to this user in the last 24 hours",
  "permission-requests-per-week": "permission requests to this user in the last 7 days",
};

/** The variant Meta would answer for a refused limit, marked in `raw` as decided locally. */
function refusal<O extends Operation>(operation: O, r: LimitRefused, started: number): ApiErrorOf<O> {
  const raw: LocalRefusal = { decidedBy: "limit-governor", limit: r.limit, max: r.max, used: r.used };
  const message = `Refused before sending by the limit governor: ${r.used} of ${r.max} ${wording[r.limit]}`;
  const e = graphError(tagOf[r.limit], { message, raw, decidedBy: "limit-governor", ...(r.retryAt !== undefined && { retryAt: r.retryAt }) });
  return { ...e, operation, attempts: 0, elapsedMs: Math.max(0, Date.now() - started), history: [] } as unknown as ApiErrorOf<O>;
}

function unavailable(operation: Operation, e: StoreUnavailable, started: number): NetworkError {
  return {
    _tag: "NetworkError",
    category: "transport",
    advice: { kind: "backoff" },
    errorCode: "LIMIT_STORE_UNAVAILABLE",
    notSent: true,
    message: `Not sent: the limit governor could not count it (${e.reason}: ${e.message})`.slice(0, 1024),
    retryable: true,
    operation,
    attempts: 0,
    elapsedMs: Math.max(0, Date.now() - started),
    history: [],
  };
}

/** What a failed request means for its reservation. */
function outcomeOfError(e: unknown): ReservationOutcome {
  const x = e as { _tag?: unknown; sent?: unknown; bizOpaqueCallbackData?: unknown };
  const opaque = typeof x?.bizOpaqueCallbackData === "string" ? { bizOpaqueCallbackData: x.bizOpaqueCallbackData } : {};
  if (x?._tag === "OutcomeUnknown" || (x?._tag === "Aborted" && x.sent === true)) return { _tag: "Unknown", ...opaque };
  // A timeout or a reset on a request other than connect may have gone through as well.
  if (x?._tag === "Timeout" || (x?._tag === "NetworkError" && (x as { notSent?: unknown }).notSent !== true)) return { _tag: "Unknown", ...opaque };
  return { _tag: "NotSent" };
}

const field = (input: unknown, key: string): string | undefined =>
  guard(() => {
    const v = optionOf(input, key);
    return typeof v === "string" && v !== "" ? v : undefined;
  }, () => undefined);

/**
 * Wraps a client so that `connect`, `preAccept`, `accept` and `sendCallPermissionRequest` first
 * take what they need from `governor` (a concurrency slot, a new call, a call to the user, a
 * permission request), and `terminate` / `reject` give the slot back. Over a limit, the request
 * is not sent: the result is the variant Meta would answer (`ConcurrentCallsLimit`,
 * `CallRateLimitExceeded`, `BusinessInitiatedCallsLimitHit`, `CallPermissionRequestLimitHit`),
 * with `retryAt` when the window's end is known, no `httpStatus`, `attempts: 0`, and `raw` a
 * {@link LocalRefusal} (`decidedBy: "limit-governor"`). Feed the governor the webhook events too
 * (`governor.observe`), so a call the user ends frees its slot. Never throws.
 *
 * @example
 * const governor = memoryLimitGovernor(); // or redisLimitGovernor(redis, { phoneNumberId }) for several workers
 * const client = governed(createCallingClient({ accessToken, phoneNumberId }), governor);
 * const placed = await client.connect({ to: "15551234567", sdp: sdpOffer(offer) });
 * if (placed.isErr() && placed.error._tag === "ConcurrentCallsLimit") queueForLater();
 */
export function governed(client: CallingClient, governor: LimitGovernor, options: GovernedOptions = {}): CallingClient {
  const allow = optionOf(options, "onStoreError") === "allow";
  const onErrorOption = optionOf(options, "onError");
  const report = (e: StoreUnavailable) =>
    guard(() => {
      if (typeof onErrorOption === "function") (onErrorOption as (e: StoreUnavailable) => void)(e);
    }, () => undefined);
  const settle = (reservation: Reservation, outcome: ReservationOutcome): Promise<void> =>
    Promise.resolve()
      .then(() => governor.settle(reservation, outcome))
      .then((r) => {
        if (r.isErr()) report(r.error);
      })
      .catch(() => undefined);
  const release = (callId: string): Promise<void> =>
    Promise.resolve()
      .then(() => governor.release(callId))
      .then((r) => {
        if (r.isErr()) report(r.error);
      })
      .catch(() => undefined);

  /** Reserves, sends, settles. `request` undefined: the input is invalid, the inner client says so. */
  function governedCall<O extends Operation, T>(
    operation: O,
    request: LimitRequest | undefined,
    send: () => ResultAsync<T, ClientErrorOf<O>>,
    placedId: (value: T) => string | undefined,
  ): ResultAsync<T, ClientErrorOf<O>> {
    const started = Date.now();
    const sendSafely = (): Promise<Result<T, ClientErrorOf<O>>> => Promise.resolve(guardCall(send, operation));
    if (request === undefined) return new ResultAsync(sendSafely());
    const run = async (): Promise<Result<T, ClientErrorOf<O>>> => {
      const reserved = await Promise.resolve()
        .then(() => governor.reserve(request))
        .catch((): Result<Reservation, StoreUnavailable> => err({ _tag: "StoreUnavailable", category: "transport", store: "limits", operation: "reserve", reason: "connection", message: "The governor failed", retryable: true, advice: { kind: "backoff" } }));
      if (reserved.isErr()) {
        const e = reserved.error;
        if (e._tag === "LimitRefused") return err(refusal(operation, e, started) as ClientErrorOf<O>);
        report(e);
        if (!allow) return err(unavailable(operation, e, started) as ClientErrorOf<O>);
        return sendSafely();
      }
      const result = await sendSafely();
      if (result.isOk()) {
        // A sent permission request stays counted as it is; a call's slot becomes the call's.
        const id = placedId(result.value);
        if (id !== undefined) await settle(reserved.value, { _tag: "Placed", callId: id });
      } else {
        await settle(reserved.value, outcomeOfError(result.error));
      }
      return result;
    };
    const failed = (): Result<T, ClientErrorOf<O>> => err(unavailable(operation, { _tag: "StoreUnavailable", category: "transport", store: "limits", operation: "reserve", reason: "connection", message: "The governed call failed", retryable: true, advice: { kind: "backoff" } }, started) as ClientErrorOf<O>);
    return new ResultAsync(run().catch(failed));
  }

  const releasing = <T, E>(callId: string | undefined, result: ResultAsync<T, E>): ResultAsync<T, E> =>
    new ResultAsync(
      Promise.resolve(result).then(async (r) => {
        if (r.isOk() && callId !== undefined) await release(callId);
        return r;
      }),
    );

  const inner = client;
  return {
    connect: (input, o?: CallOptions) => {
      const user = field(input, "to") ?? field(input, "recipient");
      return governedCall("connect", user === undefined ? undefined : { kind: "connect", user }, () => inner.connect(input, o), (id) => id);
    },
    preAccept: (input, o) => {
      const callId = field(input, "callId");
      return governedCall("pre_accept", callId === undefined ? undefined : { kind: "answer", callId }, () => inner.preAccept(input, o), () => callId);
    },
    accept: (input, o) => {
      const callId = field(input, "callId");
      return governedCall("accept", callId === undefined ? undefined : { kind: "answer", callId }, () => inner.accept(input, o), () => callId);
    },
    reject: (input, o) => releasing(field(input, "callId"), guardCall(() => inner.reject(input, o), "reject")),
    terminate: (input, o) => releasing(field(input, "callId"), guardCall(() => inner.terminate(input, o), "terminate")),
    sendCallPermissionRequest: (input, o) => {
      const user = field(input, "to");
      return governedCall("send_call_permission_request", user === undefined ? undefined : { kind: "permission-request", user }, () => inner.sendCallPermissionRequest(input, o), () => undefined);
    },
    getCallPermissions: (input, o) => guardCall(() => inner.getCallPermissions(input, o), "get_call_permissions"),
    getCallingSettings: (o) => guardCall(() => inner.getCallingSettings(o), "get_settings"),
    updateCallingSettings: (input, o) => guardCall(() => inner.updateCallingSettings(input, o), "update_settings"),
  };
}

/** A call of the inner client that cannot throw or reject, whatever the inner client is. */
function guardCall<O extends Operation, T>(send: () => ResultAsync<T, ClientErrorOf<O>>, operation: O): ResultAsync<T, ClientErrorOf<O>> {
  const failed = (): Result<T, ClientErrorOf<O>> =>
    err({ _tag: "InvalidInput", category: "request", operation, field: "client", message: "is not a CallingClient (the method is missing, threw, or did not return a Result)", retryable: false, advice: { kind: "after-fix" }, attempts: 0, elapsedMs: 0, history: [] } as ClientErrorOf<O>);
  return new ResultAsync(
    Promise.resolve()
      .then(send)
      .then((r) => (typeof r === "object" && r !== null && typeof (r as { isOk?: unknown }).isOk === "function" ? r : failed()))
      .catch(failed),
  );
}

