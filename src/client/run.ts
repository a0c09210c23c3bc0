/**
 * One call of the client: attempts, retries, waits and the error values they end in. Every
 * ending is a value; `connect` is sent again only when the answer or the failure proves the call
 * was not placed.
 *
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { isAutomaticRetry, type Operation } from "../catalog.js";
import type { GraphError } from "../errors.js";
import { redactField, type Scrubber } from "../internal/redact.js";
import { decodeCallingResponse, type SuccessOf } from "../response.js";
import type { Clock } from "../retry.js";
import type { Aborted, AttemptRecord, ClientErrorOf, NetworkError, OutcomeUnknown, ResponseTooLarge, Timeout, UnexpectedRedirect } from "./errors.js";
import type { AttemptFacts, ClientErrorCategory, ClientErrorTag } from "./hooks.js";
import type { Request } from "./requests.js";
import { scrubError, scrubSuccess } from "./scrub.js";
import { attempt, isAborted, reasonOf, sleep, type Prepared } from "./transport.js";

/** The client's settings, read once from the options and checked. */
export interface Settings {
  readonly accessToken: string;
  readonly phoneNumberId: string;
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly deadlineMs: number;
  readonly maxResponseBytes: number;
  /** Total: a clock that throws or returns a non-number falls back to `Date.now`. */
  readonly clock: Clock;
  /** Total: a random source that throws or leaves [0, 1) falls back to 0.5. */
  readonly random: () => number;
  readonly fetch: (url: string, init: RequestInit) => unknown;
  readonly scrub: Scrubber;
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** The URL and headers of a request. Throws only on a bug (the settings are checked). */
export function prepare(s: Settings, req: Request): Prepared {
  const url = new URL(`${s.baseUrl}/${s.apiVersion}/${encodeURIComponent(s.phoneNumberId)}/${req.path}`);
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
  return {
    url: url.toString(),
    method: req.method,
    headers: { authorization: `Bearer ${s.accessToken}`, ...(req.body !== undefined && { "content-type": "application/json" }) },
    ...(req.body !== undefined && { body: JSON.stringify(req.body) }),
  };
}

/**
 * Whether a decoded error on `connect` proves the call was not placed: throttling and capacity
 * answers (catalog category `limit`, or HTTP 429) and definite refusals (a 4xx error the catalog
 * does not mark retryable). Everything else (codes 1, 2, 131000, 131016, any other 5xx, an
 * unreadable answer) may come after the call was placed.
 */
function provesNotPlaced(e: GraphError, status: number): boolean {
  if (e._tag === "MalformedResponse") return e.reason === "success-false" || (status >= 300 && status < 500 && status !== 408);
  if (e.category === "limit" || status === 429) return true;
  return status < 500 && status !== 408 && !repeatsByItself(e);
}

/**
 * Whether the client repeats a request after this error by itself: only for `backoff` / `at`
 * advice (or Meta's `is_transient`), never for an `after-*` kind, which needs something to happen
 * first (the current call to end, the user to grant permission, a fix, a new token).
 */
function repeatsByItself(e: GraphError): boolean {
  return isAutomaticRetry(e.advice) || e.isTransient === true;
}

/** What an attempt failed with, as the hooks are told: tags, category and codes only. */
interface AttemptFailure {
  readonly errorTag: ClientErrorTag;
  readonly errorCategory: ClientErrorCategory;
  readonly errorCode?: number;
  readonly networkErrorCode?: string;
}

const transportFailure = (errorTag: ClientErrorTag): AttemptFailure => ({ errorTag, errorCategory: "transport" });

/** Where the facts of each attempt go (the client's hooks), with the request's method and path. */
export type AttemptObserver = (facts: AttemptFacts, method: "GET" | "POST", path: string) => void;

/** Runs one call to its end. Never rejects (a bug would still be caught by the caller). */
export async function run<O extends Operation>(
  s: Settings,
  operation: O,
  req: Request,
  signal: AbortSignal | undefined,
  observe?: AttemptObserver,
): Promise<Result<SuccessOf<O>, ClientErrorOf<O>>> {
  const started = now();
  const deadline = started + s.deadlineMs;
  const history: AttemptRecord[] = [];
  const isConnect = operation === "connect";
  const prepared = prepare(s, req);
  /** Whether a request may have reached the server (not every attempt was provably unsent). */
  let maySent = false;

  const elapsed = () => Math.round(now() - started);
  const info = () => ({ operation, attempts: history.length, elapsedMs: elapsed(), history: [...history] });
  /** When the current attempt was handed to the transport. */
  let attemptStarted = started;
  /** The facts of the last attempt, until they are reported (with the retry delay, if one follows). */
  let unreported: AttemptFacts | undefined;
  const record = (outcome: string, httpStatus: number | undefined, failure: AttemptFailure | undefined) => {
    history.push({ attempt: history.length + 1, outcome, ...(httpStatus !== undefined && { httpStatus }), elapsedMs: elapsed() });
    if (observe === undefined) return;
    unreported = { attempt: history.length, ok: failure === undefined, ...(httpStatus !== undefined && { httpStatus }), ...failure, durationMs: now() - attemptStarted };
  };
  /** Reports the last attempt to the observer (which never throws), once. */
  const report = (retryDelayMs?: number) => {
    if (observe === undefined || unreported === undefined) return;
    const facts = retryDelayMs === undefined ? unreported : { ...unreported, retryDelayMs };
    unreported = undefined;
    try {
      observe(facts, req.method, req.path);
    } catch {
      // The observer guards every hook; nothing it does may change the call.
    }
  };
  const fail = (e: ClientErrorOf<O>) => {
    report();
    return err<SuccessOf<O>, ClientErrorOf<O>>(scrubError(e, s.scrub));
  };
  const correlation = () => ({
    ...(req.connect?.to !== undefined && { to: req.connect.to }),
    ...(req.connect?.recipient !== undefined && { recipient: req.connect.recipient }),
    ...(req.connect?.bizOpaqueCallbackData !== undefined && { bizOpaqueCallbackData: req.connect.bizOpaqueCallbackData }),
  });
  const timeoutError = (scope: "attempt" | "deadline"): Timeout => ({
    _tag: "Timeout",
    category: "transport",
    scope,
    message: scope === "deadline" ? `No answer within the ${s.deadlineMs} ms deadline` : `No answer within ${s.timeoutMs} ms`,
    retryable: true,
    advice: { kind: "backoff" },
    ...info(),
  });
  const aborted = (reason: string | undefined): Aborted => ({
    _tag: "Aborted",
    category: "transport",
    message: maySent ? "The call was aborted by its signal after a request may have reached the server" : "The call was aborted by its signal",
    ...(reason !== undefined && { reason }),
    sent: maySent,
    ...correlation(),
    retryable: false,
    advice: { kind: "never" },
    ...info(),
  });
  const unknownOutcome = (cause: OutcomeUnknown["cause"], extra: { error?: GraphError; httpStatus?: number } = {}): OutcomeUnknown => ({
    _tag: "OutcomeUnknown",
    category: "transport",
    cause,
    ...(extra.error !== undefined && { error: extra.error }),
    ...(extra.httpStatus !== undefined && { httpStatus: extra.httpStatus }),
    ...correlation(),
    message: "connect may or may not have placed the call; it is not retried (settle it from the webhooks)",
    retryable: false,
    advice: { kind: "never" },
    ...info(),
  });
  const networkError = (httpStatus: number | undefined, code: string | undefined, notSent: boolean, message: string, retryable = true): NetworkError => ({
    _tag: "NetworkError",
    category: "transport",
    ...(code !== undefined && { errorCode: code }),
    notSent,
    message: httpStatus === undefined ? message : `${message} (HTTP ${httpStatus})`,
    retryable,
    advice: retryable ? { kind: "backoff" } : { kind: "never" },
    ...info(),
  });
  const tooLarge = (httpStatus: number): ResponseTooLarge => ({
    _tag: "ResponseTooLarge",
    category: "transport",
    limitBytes: s.maxResponseBytes,
    httpStatus,
    message: `The response body is larger than ${s.maxResponseBytes} bytes; it was not read`,
    retryable: false,
    advice: { kind: "never" },
    ...info(),
  });
  const redirect = (httpStatus: number, location: string | undefined): UnexpectedRedirect => ({
    _tag: "UnexpectedRedirect",
    category: "transport",
    httpStatus,
    ...(location !== undefined && { location }),
    message: `The server answered with a redirect (HTTP ${httpStatus}); redirects are never followed`,
    retryable: false,
    advice: { kind: "after-fix" },
    ...info(),
  });

  /** The wait before the next attempt, or `undefined` when the deadline forbids another. */
  const delayBeforeNext = (retryAt: Date | undefined): number | undefined => {
    const n = history.length;
    const wait = retryAt !== undefined ? Math.max(0, retryAt.getTime() - s.clock()) : s.random() * Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** (n - 1));
    return !Number.isFinite(wait) || now() + wait >= deadline ? undefined : wait;
  };

  for (;;) {
    if (isAborted(signal)) return fail(aborted(reasonOf(signal, s.scrub)));
    const remaining = deadline - now();
    if (remaining <= 0) return fail(timeoutError("deadline"));
    const perAttempt = Math.min(s.timeoutMs, remaining);
    let sentNow = false;
    attemptStarted = now();
    const out = await attempt(prepared, {
      fetch: s.fetch,
      timeoutMs: perAttempt,
      maxResponseBytes: s.maxResponseBytes,
      scrub: s.scrub,
      signal,
      onSend: () => {
        sentNow = true;
      },
    });
    // An attempt may have reached the server unless it failed in a way that proves otherwise.
    if (sentNow && !(out.kind === "network" && out.notSent)) maySent = true;
    const last = history.length + 1 >= s.maxAttempts;
    let retryAt: Date | undefined;
    let pending: ClientErrorOf<O>;

    switch (out.kind) {
      case "aborted":
        record("Aborted", undefined, transportFailure("Aborted"));
        return fail(aborted(out.reason));
      case "timeout":
        record("Timeout", undefined, transportFailure("Timeout"));
        if (isConnect) return fail(unknownOutcome("timeout") as ClientErrorOf<O>);
        pending = timeoutError(perAttempt < s.timeoutMs ? "deadline" : "attempt");
        break;
      case "unreadable":
        record("UnreadableBody", out.status, transportFailure("NetworkError"));
        if (isConnect) return fail(unknownOutcome("reset", { httpStatus: out.status }) as ClientErrorOf<O>);
        pending = networkError(out.status, undefined, false, "The connection failed while reading the response");
        break;
      case "not-a-response":
        record("NotAResponse", undefined, transportFailure("NetworkError"));
        if (isConnect) return fail(unknownOutcome("unreadable-response") as ClientErrorOf<O>);
        return fail(networkError(undefined, undefined, false, "fetch did not return a Response", false));
      case "redirect":
        record("UnexpectedRedirect", out.status, transportFailure("UnexpectedRedirect"));
        if (isConnect) return fail(unknownOutcome("redirect", { httpStatus: out.status }) as ClientErrorOf<O>);
        return fail(redirect(out.status, out.location));
      case "too-large":
        record("ResponseTooLarge", out.status, transportFailure("ResponseTooLarge"));
        if (isConnect) return fail(unknownOutcome("response-too-large", { httpStatus: out.status }) as ClientErrorOf<O>);
        return fail(tooLarge(out.status));
      case "network":
        record(`NetworkError${out.code === undefined ? "" : ` ${out.code}`}`, undefined, {
          ...transportFailure("NetworkError"),
          ...(out.code !== undefined && { networkErrorCode: redactField(out.code, s.scrub) }),
        });
        if (isConnect && !out.notSent) return fail(unknownOutcome("reset") as ClientErrorOf<O>);
        pending = networkError(undefined, out.code, out.notSent, out.message);
        break;
      case "response": {
        const decodeOptions = { clock: s.clock, secrets: [s.accessToken] };
        const decoded = decodeCallingResponse(operation, { status: out.status, body: out.text, headers: out.headers }, decodeOptions);
        if (decoded.isOk()) {
          record("ok", out.status, undefined);
          report();
          return ok(scrubSuccess(decoded.value, s.scrub));
        }
        const e: GraphError = decoded.error;
        record(e._tag, out.status, { errorTag: e._tag, errorCategory: e.category, ...("code" in e && { errorCode: e.code }) });
        if (isConnect && !provesNotPlaced(e, out.status)) {
          const cause = e._tag === "MalformedResponse" ? "unreadable-response" : "server-error";
          return fail(unknownOutcome(cause, { error: e, httpStatus: out.status }) as ClientErrorOf<O>);
        }
        retryAt = e.retryAt;
        pending = { ...e, ...info() } as ClientErrorOf<O>;
        if (!repeatsByItself(e)) return fail(pending);
        break;
      }
    }
    if (last) return fail(pending);
    const wait = delayBeforeNext(retryAt);
    if (wait === undefined) return fail(pending);
    report(wait);
    if (!(await sleep(wait, signal))) return fail(aborted(reasonOf(signal, s.scrub)));
  }
}
