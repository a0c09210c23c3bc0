/**
 * A fetch-based Calling API client in which every method returns a `ResultAsync` that never
 * rejects: API errors, transport failures and rejected input are all values.
 *
 * @module
 */
import { err, errAsync, ok, ResultAsync, type Result } from "neverthrow";
import type { Operation } from "../catalog.js";
import type { GraphError } from "../errors.js";
import { redact } from "../internal/redact.js";
import { decodeCallingResponse, type CallingSettings, type SuccessOf } from "../response.js";
import type { Clock } from "../retry.js";
import type {
  Aborted,
  AttemptRecord,
  ClientErrorOf,
  InvalidInput,
  NetworkError,
  OutcomeUnknown,
  Timeout,
} from "./errors.js";
import type {
  AcceptInput,
  CallIdInput,
  CallingSettingsUpdate,
  ConnectInput,
  PermissionLookupInput,
  PermissionRequestInput,
  PreAcceptInput,
} from "./types.js";
import { validate } from "./validate.js";

/** Retry policy. Only errors the catalog marks retryable (or `is_transient`) are retried. */
export interface RetryOptions {
  /**
   * Requests sent at most per call, the first included.
   * @default 3
   */
  readonly maxAttempts?: number;
  /**
   * Backoff base: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs × 2^(n-1))]
   * ("full jitter").
   * @default 200
   */
  readonly baseDelayMs?: number;
  /**
   * Cap of one backoff wait.
   * @default 5000
   */
  readonly maxDelayMs?: number;
  /**
   * Overall deadline of a call, retries and waits included. A `retryAt` beyond it is returned,
   * not waited for.
   * @default 30000
   */
  readonly deadlineMs?: number;
}

/** Options of {@link createCallingClient}. */
export interface CallingClientOptions {
  /** A system-user or user access token. Never copied into an error, a message or `toJSON`. */
  readonly accessToken: string;
  /** The business phone number's id. */
  readonly phoneNumberId: string;
  /**
   * @default "https://graph.facebook.com"
   */
  readonly baseUrl?: string;
  /**
   * @default "v23.0"
   */
  readonly apiVersion?: string;
  /** Another transport; `globalThis.fetch` by default. */
  readonly fetch?: typeof fetch;
  /**
   * Timeout of one attempt (headers and body).
   * @default 10000
   */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Wall clock for `retryAt` (epoch ms). `Date.now` by default. */
  readonly clock?: Clock;
  /** Random source in [0, 1) for the backoff jitter. `Math.random` by default. */
  readonly random?: () => number;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call (and any wait between attempts): the result is `Aborted`. */
  readonly signal?: AbortSignal;
}

type Method<O extends Operation, I> = (input: I, options?: CallOptions) => ResultAsync<SuccessOf<O>, ClientErrorOf<O>>;

/** The Calling API, one method per operation. */
export interface CallingClient {
  /** Places a business-initiated call with an SDP offer. Not retried when its outcome is unknown. */
  readonly connect: Method<"connect", ConnectInput>;
  /** Pre-accepts a user-initiated call with the SDP answer. */
  readonly preAccept: Method<"pre_accept", PreAcceptInput>;
  /** Accepts a user-initiated call (the same answer as the pre-accept). */
  readonly accept: Method<"accept", AcceptInput>;
  /** Rejects a user-initiated call. */
  readonly reject: Method<"reject", CallIdInput>;
  /** Ends a call. */
  readonly terminate: Method<"terminate", CallIdInput>;
  /** Looks up the user's call permission and the limits of what the business may do next. */
  readonly getCallPermissions: Method<"get_call_permissions", PermissionLookupInput>;
  /** Sends a call permission request message. */
  readonly sendCallPermissionRequest: Method<"send_call_permission_request", PermissionRequestInput>;
  /** Reads the number's calling settings. */
  readonly getCallingSettings: (options?: CallOptions) => ResultAsync<CallingSettings, ClientErrorOf<"get_settings">>;
  /** Updates the number's calling settings (only the given fields). */
  readonly updateCallingSettings: Method<"update_settings", CallingSettingsUpdate>;
}

/** Default values of the options, as documented on {@link CallingClientOptions}. */
export const clientDefaults = {
  baseUrl: "https://graph.facebook.com",
  apiVersion: "v23.0",
  timeoutMs: 10_000,
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  deadlineMs: 30_000,
} as const;

interface Request {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** For `connect`: what an `OutcomeUnknown` carries so the webhooks can settle it. */
  readonly connect?: { readonly to?: string; readonly recipient?: string; readonly bizOpaqueCallbackData?: string };
}

type Outcome =
  | { readonly kind: "response"; readonly status: number; readonly text: string; readonly headers: Headers }
  | { readonly kind: "network"; readonly code: string | undefined; readonly notSent: boolean; readonly message: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "aborted"; readonly reason: string | undefined }
  | { readonly kind: "unreadable"; readonly status: number };

const notSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT", "EADDRNOTAVAIL"]);

function errorCode(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur !== null && typeof cur === "object" && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorMessage(e: unknown): string {
  const parts: string[] = [];
  for (let cur = e, depth = 0; cur !== null && typeof cur === "object" && depth < 4; depth++) {
    const m = (cur as { message?: unknown }).message;
    if (typeof m === "string" && m !== "") parts.push(m);
    cur = (cur as { cause?: unknown }).cause;
  }
  return redact(parts.join(": ") || String(e));
}

function reasonText(signal: AbortSignal | undefined): string | undefined {
  const r: unknown = signal?.reason;
  if (r === undefined) return undefined;
  return redact(r instanceof Error ? r.message : String(r));
}

/** Sleeps, or stops early (returning false) when the signal fires. Never rejects. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * Creates a Calling API client. Nothing it returns rejects or throws; invalid options make every
 * method return `InvalidInput`.
 *
 * @example
 * const client = createCallingClient({ accessToken: process.env.WA_TOKEN!, phoneNumberId: "1234567890" });
 * const call = await client.connect({ to: "15551234567", sdp: sdpOffer(offer) });
 * call.match((id) => console.log("ringing", id), (e) => console.error(e._tag));
 */
export function createCallingClient(options: CallingClientOptions): CallingClient {
  const baseUrl = (options.baseUrl ?? clientDefaults.baseUrl).replace(/\/+$/, "");
  const apiVersion = options.apiVersion ?? clientDefaults.apiVersion;
  const timeoutMs = options.timeoutMs ?? clientDefaults.timeoutMs;
  const maxAttempts = options.retry?.maxAttempts ?? clientDefaults.maxAttempts;
  const baseDelayMs = options.retry?.baseDelayMs ?? clientDefaults.baseDelayMs;
  const maxDelayMs = options.retry?.maxDelayMs ?? clientDefaults.maxDelayMs;
  const deadlineMs = options.retry?.deadlineMs ?? clientDefaults.deadlineMs;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? (typeof fetch === "function" ? fetch : undefined);
  const configError = validate.options({ ...options, baseUrl, timeoutMs, maxAttempts, baseDelayMs, maxDelayMs, deadlineMs, hasFetch: doFetch !== undefined });

  function invalid(operation: Operation, field: string, message: string): InvalidInput {
    return { _tag: "InvalidInput", category: "request", operation, field, message, retryable: false, attempts: 0, elapsedMs: 0, history: [] };
  }

  async function attempt(req: Request, timeout: number, signal: AbortSignal | undefined): Promise<Outcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort("timeout");
    }, timeout);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let status = 0;
    try {
      const url = new URL(`${baseUrl}/${apiVersion}/${encodeURIComponent(options.phoneNumberId)}/${req.path}`);
      for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
      const init: RequestInit = {
        method: req.method,
        headers: {
          authorization: `Bearer ${options.accessToken}`,
          ...(req.body !== undefined && { "content-type": "application/json" }),
        },
        signal: controller.signal,
        ...(req.body !== undefined && { body: JSON.stringify(req.body) }),
      };
      const res = await (doFetch as typeof fetch)(url, init);
      status = res.status;
      const text = await res.text();
      return { kind: "response", status, text, headers: res.headers };
    } catch (e) {
      if (signal?.aborted === true) return { kind: "aborted", reason: reasonText(signal) };
      if (timedOut) return { kind: "timeout" };
      if (status !== 0) return { kind: "unreadable", status };
      const code = errorCode(e);
      return { kind: "network", code, notSent: code !== undefined && notSentCodes.has(code), message: errorMessage(e) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async function run<O extends Operation>(operation: O, req: Request, signal: AbortSignal | undefined): Promise<Result<SuccessOf<O>, ClientErrorOf<O>>> {
    const started = now();
    const deadline = started + deadlineMs;
    const history: AttemptRecord[] = [];
    const elapsed = () => Math.round(now() - started);
    const info = () => ({ operation, attempts: history.length, elapsedMs: elapsed(), history: [...history] });
    const record = (outcome: string, httpStatus?: number) =>
      history.push({ attempt: history.length + 1, outcome, ...(httpStatus !== undefined && { httpStatus }), elapsedMs: elapsed() });
    const fail = (e: ClientErrorOf<O>) => err<SuccessOf<O>, ClientErrorOf<O>>(e);
    const timeoutError = (scope: "attempt" | "deadline"): Timeout => ({
      _tag: "Timeout",
      category: "transport",
      scope,
      message: scope === "deadline" ? `No answer within the ${deadlineMs} ms deadline` : `No answer within ${timeoutMs} ms`,
      retryable: true,
      ...info(),
    });
    const aborted = (reason: string | undefined): Aborted => ({
      _tag: "Aborted",
      category: "transport",
      message: "The call was aborted by its signal",
      ...(reason !== undefined && { reason }),
      retryable: false,
      ...info(),
    });
    const unknownOutcome = (cause: OutcomeUnknown["cause"]): OutcomeUnknown => ({
      _tag: "OutcomeUnknown",
      category: "transport",
      cause,
      ...(req.connect?.to !== undefined && { to: req.connect.to }),
      ...(req.connect?.recipient !== undefined && { recipient: req.connect.recipient }),
      ...(req.connect?.bizOpaqueCallbackData !== undefined && { bizOpaqueCallbackData: req.connect.bizOpaqueCallbackData }),
      message: "connect may or may not have placed the call; it is not retried (settle it from the webhooks)",
      retryable: false,
      ...info(),
    });
    const isConnect = operation === "connect";

    /** Waits before the next attempt; false when the deadline or the signal forbids it. */
    const backoff = async (retryAt: Date | undefined): Promise<"go" | "deadline" | "aborted"> => {
      const n = history.length;
      const wait = retryAt !== undefined ? Math.max(0, retryAt.getTime() - clock()) : random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1));
      if (now() + wait >= deadline) return "deadline";
      return (await sleep(wait, signal)) ? "go" : "aborted";
    };

    for (;;) {
      if (signal?.aborted === true) return fail(aborted(reasonText(signal)));
      const remaining = deadline - now();
      if (remaining <= 0) return fail(timeoutError("deadline"));
      const perAttempt = Math.min(timeoutMs, remaining);
      const out = await attempt(req, perAttempt, signal);
      const last = history.length + 1 >= maxAttempts;
      let retryAt: Date | undefined;
      let pending: ClientErrorOf<O>;

      switch (out.kind) {
        case "aborted":
          record("Aborted");
          return fail(aborted(out.reason));
        case "timeout": {
          record("Timeout");
          if (isConnect) return fail(unknownOutcome("timeout") as ClientErrorOf<O>);
          pending = timeoutError(perAttempt < timeoutMs ? "deadline" : "attempt");
          break;
        }
        case "unreadable":
          record("UnreadableBody", out.status);
          if (isConnect) return fail(unknownOutcome("reset") as ClientErrorOf<O>);
          pending = networkError(out.status, undefined, false, "The connection failed while reading the response");
          break;
        case "network": {
          record(`NetworkError${out.code === undefined ? "" : ` ${out.code}`}`);
          if (isConnect && !out.notSent) return fail(unknownOutcome("reset") as ClientErrorOf<O>);
          pending = networkError(undefined, out.code, out.notSent, out.message);
          break;
        }
        case "response": {
          const decoded = decodeCallingResponse(operation, { status: out.status, body: out.text, headers: out.headers }, { clock });
          if (decoded.isOk()) {
            record("ok", out.status);
            return ok(decoded.value);
          }
          const e: GraphError = decoded.error;
          record(e._tag, out.status);
          const ambiguous =
            e._tag === "MalformedResponse" && e.reason !== "success-false" && (out.status >= 500 || out.status < 300);
          if (isConnect && ambiguous) return fail(unknownOutcome("unreadable-response") as ClientErrorOf<O>);
          retryAt = e.retryAt;
          pending = { ...e, ...info() } as ClientErrorOf<O>;
          if (!e.retryable) return fail(pending);
          break;
        }
      }
      if (last) return fail(pending);
      const go = await backoff(retryAt);
      if (go === "aborted") return fail(aborted(reasonText(signal)));
      if (go === "deadline") return fail(pending);
    }

    function networkError(httpStatus: number | undefined, code: string | undefined, notSent: boolean, message: string): NetworkError {
      return {
        _tag: "NetworkError",
        category: "transport",
        ...(code !== undefined && { errorCode: code }),
        notSent,
        message: httpStatus === undefined ? message : `${message} (HTTP ${httpStatus})`,
        retryable: true,
        ...info(),
      };
    }
  }

  function call<O extends Operation>(operation: O, prepare: () => Request | InvalidInput, callOptions: CallOptions | undefined): ResultAsync<SuccessOf<O>, ClientErrorOf<O>> {
    if (configError !== undefined) return errAsync(invalid(operation, configError.field, configError.message));
    const req = prepare();
    if ("_tag" in req) return errAsync(req);
    const promise = run(operation, req, callOptions?.signal).catch((e: unknown) =>
      // Defensive: run() handles every failure itself; anything else still becomes a value.
      err<SuccessOf<O>, ClientErrorOf<O>>({
        _tag: "NetworkError",
        category: "transport",
        notSent: false,
        message: errorMessage(e),
        retryable: false,
        operation,
        attempts: 0,
        elapsedMs: 0,
        history: [],
      }),
    );
    return new ResultAsync(promise);
  }

  const check = <T>(operation: Operation, problem: { field: string; message: string } | undefined, build: () => T): T | InvalidInput =>
    problem === undefined ? build() : invalid(operation, problem.field, problem.message);

  return {
    connect: (input, o) =>
      call("connect", () =>
        check("connect", validate.connect(input), () => ({
          method: "POST",
          path: "calls",
          body: {
            messaging_product: "whatsapp",
            ...(input.to !== undefined ? { to: input.to } : { recipient: input.recipient }),
            action: "connect",
            session: { sdp_type: "offer", sdp: input.sdp.sdp },
            ...(input.bizOpaqueCallbackData !== undefined && { biz_opaque_callback_data: input.bizOpaqueCallbackData }),
          },
          connect: {
            ...(input.to !== undefined && { to: input.to }),
            ...(input.recipient !== undefined && { recipient: input.recipient }),
            ...(input.bizOpaqueCallbackData !== undefined && { bizOpaqueCallbackData: input.bizOpaqueCallbackData }),
          },
        })), o),
    preAccept: (input, o) =>
      call("pre_accept", () =>
        check("pre_accept", validate.answer(input), () => ({
          method: "POST",
          path: "calls",
          body: { messaging_product: "whatsapp", call_id: input.callId, action: "pre_accept", session: { sdp_type: "answer", sdp: input.sdp.sdp } },
        })), o),
    accept: (input, o) =>
      call("accept", () =>
        check("accept", validate.answer(input), () => ({
          method: "POST",
          path: "calls",
          body: {
            messaging_product: "whatsapp",
            call_id: input.callId,
            action: "accept",
            session: { sdp_type: "answer", sdp: input.sdp.sdp },
            ...(input.bizOpaqueCallbackData !== undefined && { biz_opaque_callback_data: input.bizOpaqueCallbackData }),
          },
        })), o),
    reject: (input, o) =>
      call("reject", () =>
        check("reject", validate.callId(input), () => ({
          method: "POST",
          path: "calls",
          body: { messaging_product: "whatsapp", call_id: input.callId, action: "reject" },
        })), o),
    terminate: (input, o) =>
      call("terminate", () =>
        check("terminate", validate.callId(input), () => ({
          method: "POST",
          path: "calls",
          body: { messaging_product: "whatsapp", call_id: input.callId, action: "terminate" },
        })), o),
    getCallPermissions: (input, o) =>
      call("get_call_permissions", () =>
        check("get_call_permissions", validate.lookup(input), () => ({
          method: "GET",
          path: "call_permissions",
          query: input.userWaId !== undefined ? { user_wa_id: input.userWaId } : { recipient: input.recipient },
        })), o),
    sendCallPermissionRequest: (input, o) =>
      call("send_call_permission_request", () =>
        check("send_call_permission_request", validate.permissionRequest(input), () => ({
          method: "POST",
          path: "messages",
          body: {
            messaging_product: "whatsapp",
            recipient_type: "individual",
            to: input.to,
            type: "interactive",
            interactive: { type: "call_permission_request", action: { name: "call_permission_request" }, body: { text: input.body } },
          },
        })), o),
    getCallingSettings: (o) => call("get_settings", () => ({ method: "GET", path: "settings", query: { fields: "calling" } }), o),
    updateCallingSettings: (input, o) =>
      call("update_settings", () =>
        check("update_settings", validate.settings(input), () => ({ method: "POST", path: "settings", body: { calling: settingsBody(input) } })), o),
  };
}

function settingsBody(s: CallingSettingsUpdate): Record<string, unknown> {
  return {
    ...(s.status !== undefined && { status: s.status }),
    ...(s.callIconVisibility !== undefined && { call_icon_visibility: s.callIconVisibility }),
    ...(s.callbackPermissionStatus !== undefined && { callback_permission_status: s.callbackPermissionStatus }),
    ...(s.srtpKeyExchangeProtocol !== undefined && { srtp_key_exchange_protocol: s.srtpKeyExchangeProtocol }),
    ...(s.callHours !== undefined && {
      call_hours: {
        status: s.callHours.status,
        timezone_id: s.callHours.timezoneId,
        weekly_operating_hours: s.callHours.weeklyOperatingHours.map((h) => ({ day_of_week: h.dayOfWeek, open_time: h.openTime, close_time: h.closeTime })),
        ...(s.callHours.holidaySchedule !== undefined && {
          holiday_schedule: s.callHours.holidaySchedule.map((h) => ({ date: h.date, start_time: h.startTime, end_time: h.endTime })),
        }),
      },
    }),
  };
}

