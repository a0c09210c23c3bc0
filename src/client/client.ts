/**
 * A fetch-based Calling API client in which every method returns a `ResultAsync` that never
 * rejects: API errors, transport failures and rejected input are all values.
 *
 * @module
 */
import { err, errAsync, ResultAsync } from "neverthrow";
import type { Operation } from "../catalog.js";
import { makeScrubber, noSecrets, redactField, type Scrubber } from "../internal/redact.js";
import type { CallingSettings, SuccessOf } from "../response.js";
import type { Clock } from "../retry.js";
import type { ClientErrorOf, InvalidInput, NetworkError } from "./errors.js";
import { observeCall, readHooks, type ClientHooks, type ReadHooks, type Target } from "./hooks.js";
import { connectRequest, settingsBody, snapshot, trimSlashes, type Request } from "./requests.js";
import { run, type Settings } from "./run.js";
import { scrubError } from "./scrub.js";
import { classifyNetworkError } from "./transport.js";
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

/** Retry policy. Only errors whose advice is `backoff` or `at` (or that Meta marks `is_transient`) are retried. */
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
   * Where the Graph API is: a host (or a proxy's prefix), without the version, which goes in
   * `apiVersion`; a URL whose path ends in a version (`/v23.0`, or `/v23.0/` then ids or
   * `calls`) is `InvalidInput`. A proxy prefix with a version of its own (`/v1.0/graph`) is fine.
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
  /**
   * Largest response body read, in bytes. A larger answer is not buffered: reading stops at the
   * limit, the connection is dropped, and the call ends in `ResponseTooLarge` (on `connect`,
   * `OutcomeUnknown` with cause `response-too-large`). Calling API answers are a few kilobytes.
   * @default 1048576 (1 MiB)
   */
  readonly maxResponseBytes?: number;
  /**
   * Callbacks told when each call starts, when each attempt ends and when the call ends (see
   * {@link ClientHooks}); several objects are called in order. They observe only: what they
   * throw or reject with never reaches the call.
   */
  readonly hooks?: ClientHooks | readonly ClientHooks[];
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
  maxResponseBytes: 1_048_576,
} as const;

type Read = (
  | { readonly settings: Settings; readonly target: Target }
  | { readonly problem: { readonly field: string; readonly message: string }; readonly scrub: Scrubber }
) & { readonly hooks: readonly ReadHooks[] };

/** Where requests go, as the hooks may tell it: the host (never a secret), its port, the version. */
function targetOf(baseUrl: string, apiVersion: string, phoneNumberId: string, token: string, scrub: Scrubber): Target {
  const url = new URL(baseUrl);
  const host = url.hostname;
  // A host is no place for a token, but if one is there it is not told (hosts are lower-cased).
  const serverAddress = host.toLowerCase().includes(token.toLowerCase()) ? "[redacted]" : redactField(host, scrub);
  const serverPort = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { phoneNumberId, apiVersion, serverAddress, serverPort };
}

/** Reads every option once (getters run once, a throwing one is a problem, not a throw) and checks them. */
function readOptions(options: CallingClientOptions): Read {
  let token: unknown;
  let hooks: readonly ReadHooks[] = [];
  try {
    if (typeof options !== "object" || options === null) return { problem: { field: "options", message: "expected an options object" }, scrub: noSecrets, hooks };
    token = options.accessToken;
    const readH = readHooks(options.hooks);
    const retry: RetryOptions | undefined = options.retry;
    const num = (v: unknown, fallback: number): number => (v === undefined ? fallback : typeof v === "number" ? v : Number.NaN);
    const baseUrl: unknown = options.baseUrl ?? clientDefaults.baseUrl;
    const apiVersion: unknown = options.apiVersion ?? clientDefaults.apiVersion;
    const phoneNumberId: unknown = options.phoneNumberId;
    const timeoutMs = num(options.timeoutMs, clientDefaults.timeoutMs);
    const maxResponseBytes = num(options.maxResponseBytes, clientDefaults.maxResponseBytes);
    const maxAttempts = num(retry?.maxAttempts, clientDefaults.maxAttempts);
    const baseDelayMs = num(retry?.baseDelayMs, clientDefaults.baseDelayMs);
    const maxDelayMs = num(retry?.maxDelayMs, clientDefaults.maxDelayMs);
    const deadlineMs = num(retry?.deadlineMs, clientDefaults.deadlineMs);
    const clock: unknown = options.clock;
    const random: unknown = options.random;
    const givenFetch: unknown = options.fetch;
    const doFetch: unknown = givenFetch ?? (typeof fetch === "function" ? fetch : undefined);
    // A token past the length limit is refused below; scrubbing for it would only cost time.
    const scrub = typeof token === "string" && token.length <= 8192 ? makeScrubber([token]) : noSecrets;
    if ("problem" in readH) return { problem: readH.problem, scrub, hooks };
    hooks = readH.hooks;
    const trimmed = typeof baseUrl === "string" ? trimSlashes(baseUrl) : baseUrl;
    const problem = validate.options({
      accessToken: token,
      phoneNumberId,
      baseUrl: trimmed,
      apiVersion,
      timeoutMs,
      maxResponseBytes,
      maxAttempts,
      baseDelayMs,
      maxDelayMs,
      deadlineMs,
      hasFetch: typeof doFetch === "function",
    });
    if (problem !== undefined) return { problem, scrub, hooks };
    if (clock !== undefined && typeof clock !== "function") return { problem: { field: "clock", message: "must be a function" }, scrub, hooks };
    if (random !== undefined && typeof random !== "function") return { problem: { field: "random", message: "must be a function" }, scrub, hooks };
    return {
      hooks,
      target: targetOf(trimmed as string, apiVersion as string, phoneNumberId as string, token as string, scrub),
      settings: {
        accessToken: token as string,
        phoneNumberId: phoneNumberId as string,
        baseUrl: trimmed as string,
        apiVersion: apiVersion as string,
        timeoutMs,
        maxAttempts: Math.floor(maxAttempts),
        baseDelayMs,
        maxDelayMs,
        deadlineMs,
        maxResponseBytes: Math.floor(maxResponseBytes),
        clock: totalClock(clock as Clock | undefined),
        random: totalRandom(random as (() => number) | undefined),
        // Called as a plain function: a global fetch bound to nothing is what runtimes expect.
        fetch: (url, init) => (doFetch as (u: string, i: RequestInit) => unknown)(url, init),
        scrub,
      },
    };
  } catch {
    return { problem: { field: "options", message: "could not be read (a getter or Proxy threw)" }, scrub: typeof token === "string" && token.length <= 8192 ? makeScrubber([token]) : noSecrets, hooks: [] };
  }
}

function totalClock(clock: Clock | undefined): Clock {
  if (clock === undefined) return Date.now;
  return () => {
    try {
      const t = clock();
      return typeof t === "number" && Number.isFinite(t) ? t : Date.now();
    } catch {
      return Date.now();
    }
  };
}

function totalRandom(random: (() => number) | undefined): () => number {
  if (random === undefined) return Math.random;
  return () => {
    try {
      const r = random();
      return typeof r === "number" && r >= 0 && r < 1 ? r : 0.5;
    } catch {
      return 0.5;
    }
  };
}

/** The signal of per-call options; options whose getter throws count as none. */
function signalOf(options: CallOptions | undefined): AbortSignal | undefined {
  try {
    const signal = options?.signal;
    return typeof signal === "object" && signal !== null ? signal : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates a Calling API client. Nothing it returns rejects or throws, whatever the options, the
 * inputs, the signal, the transport or the server do; invalid options make every method return
 * `InvalidInput`. The access token is never sent anywhere but the `Authorization` header, and is
 * scrubbed (in any form) from every value the client returns.
 *
 * @example
 * const client = createCallingClient({ accessToken: process.env.WA_TOKEN!, phoneNumberId: "1234567890" });
 * const call = await client.connect({ to: "15551234567", sdp: sdpOffer(offer) });
 * call.match((id) => console.log("ringing", id), (e) => console.error(e._tag));
 */
export function createCallingClient(options: CallingClientOptions): CallingClient {
  const read = readOptions(options);
  const scrub = "settings" in read ? read.settings.scrub : read.scrub;

  function invalid(operation: Operation, field: string, message: string): InvalidInput {
    return scrubError({ _tag: "InvalidInput", category: "request", operation, field, message, retryable: false, advice: { kind: "after-fix" }, attempts: 0, elapsedMs: 0, history: [] }, scrub);
  }

  function call<O extends Operation>(operation: O, input: unknown, build: (snap: unknown) => Request | InvalidInput, callOptions: CallOptions | undefined): ResultAsync<SuccessOf<O>, ClientErrorOf<O>> {
    const observer = observeCall(read.hooks, operation, "target" in read ? read.target : undefined);
    /** Tells the hooks how the call ended, before its result is delivered. */
    const ended = <R extends { isOk(): boolean }>(result: R): R => {
      observer.end(result);
      return result;
    };
    const failed = (e: ClientErrorOf<O>) => errAsync<SuccessOf<O>, ClientErrorOf<O>>(ended(err(e)).error);
    try {
      if (!("settings" in read)) return failed(invalid(operation, read.problem.field, read.problem.message));
      const settings = read.settings;
      const req = build(snapshot(input));
      if ("_tag" in req) return failed(req);
      const promise = run(settings, operation, req, signalOf(callOptions), observer.attempt)
        .catch((e: unknown) => err<SuccessOf<O>, ClientErrorOf<O>>(defect(operation, e)))
        .then(ended);
      return new ResultAsync(promise);
    } catch (e) {
      return failed(defect(operation, e));
    }
  }

  /** Defensive: every failure is handled where it happens; anything else still becomes a value. */
  function defect(operation: Operation, e: unknown): NetworkError {
    return scrubError(
      { _tag: "NetworkError", category: "transport", notSent: false, message: classifyNetworkError(e, scrub).message, retryable: false, advice: { kind: "never" }, operation, attempts: 0, elapsedMs: 0, history: [] },
      scrub,
    );
  }

  /** Checks a snapshot, then builds the request from the very same snapshot. */
  const checked =
    <I>(operation: Operation, check: (i: I) => { field: string; message: string } | undefined, build: (i: I) => Request) =>
    (snap: unknown): Request | InvalidInput => {
      if (snap === undefined) return invalid(operation, "input", "could not be read (a getter or Proxy threw, or it is not JSON data)");
      const p = check(snap as I);
      return p === undefined ? build(snap as I) : invalid(operation, p.field, p.message);
    };

  return {
    connect: (input, o) => call("connect", input, checked<ConnectInput>("connect", validate.connect, connectRequest), o),
    preAccept: (input, o) =>
      call(
        "pre_accept",
        input,
        checked<PreAcceptInput>("pre_accept", validate.answer, (i) => ({
          method: "POST",
          path: "calls",
          body: { messaging_product: "whatsapp", call_id: i.callId, action: "pre_accept", session: { sdp_type: "answer", sdp: i.sdp.sdp } },
        })),
        o,
      ),
    accept: (input, o) =>
      call(
        "accept",
        input,
        checked<AcceptInput>("accept", validate.answer, (i) => ({
          method: "POST",
          path: "calls",
          body: {
            messaging_product: "whatsapp",
            call_id: i.callId,
            action: "accept",
            session: { sdp_type: "answer", sdp: i.sdp.sdp },
            ...(i.bizOpaqueCallbackData !== undefined && { biz_opaque_callback_data: i.bizOpaqueCallbackData }),
          },
        })),
        o,
      ),
    reject: (input, o) =>
      call(
        "reject",
        input,
        checked<CallIdInput>("reject", validate.callId, (i) => ({ method: "POST", path: "calls", body: { messaging_product: "whatsapp", call_id: i.callId, action: "reject" } })),
        o,
      ),
    terminate: (input, o) =>
      call(
        "terminate",
        input,
        checked<CallIdInput>("terminate", validate.callId, (i) => ({ method: "POST", path: "calls", body: { messaging_product: "whatsapp", call_id: i.callId, action: "terminate" } })),
        o,
      ),
    getCallPermissions: (input, o) =>
      call(
        "get_call_permissions",
        input,
        checked<PermissionLookupInput>("get_call_permissions", validate.lookup, (i) => ({
          method: "GET",
          path: "call_permissions",
          query: i.userWaId !== undefined ? { user_wa_id: i.userWaId } : { recipient: i.recipient },
        })),
        o,
      ),
    sendCallPermissionRequest: (input, o) =>
      call(
        "send_call_permission_request",
        input,
        checked<PermissionRequestInput>("send_call_permission_request", validate.permissionRequest, (i) => ({
          method: "POST",
          path: "messages",
          body: {
            messaging_product: "whatsapp",
            recipient_type: "individual",
            to: i.to,
            type: "interactive",
            interactive: { type: "call_permission_request", action: { name: "call_permission_request" }, body: { text: i.body } },
          },
        })),
        o,
      ),
    getCallingSettings: (o) => call("get_settings", {}, () => ({ method: "GET", path: "settings", query: { fields: "calling" } }), o),
    updateCallingSettings: (input, o) =>
      call(
        "update_settings",
        input,
        checked<CallingSettingsUpdate>("update_settings", validate.settings, (i) => ({ method: "POST", path: "settings", body: { calling: settingsBody(i) } })),
        o,
      ),
  };
}
