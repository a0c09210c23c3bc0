/**
 * A webhook endpoint on the Fetch API (`(request: Request) => Promise<Response>`): handshake,
 * bounded body, signature check, decoding item by item, de-duplication of redelivered events,
 * dispatch.
 *
 * @module
 */
import { guard } from "../internal/guard.js";
import { makeScrubber, redactField, type Scrubber } from "../internal/redact.js";
import { byteLimit, declaredLength, readLimited } from "./body.js";
import { optionOf } from "./options.js";
import { memoryDedupeStore, type DedupeStore, type LegacyDedupeStore } from "./dedupe.js";
import { makeDispatch } from "./dispatch.js";
import type { CallEvent, WebhookDecodeError, WebhookItemProblem } from "./events.js";
import type { WebhookItems } from "./event-types.js";
import { decodeDelivery } from "./items.js";
import { parseJson } from "../internal/json.js";
import { verifyOwnedBytes, verifySubscription, type SignatureError, type SubscriptionError } from "./signature.js";
import type { Result } from "neverthrow";
import { err } from "neverthrow";

/**
 * Something that went wrong around a delivery, reported to `onError` (never thrown). Every string
 * wacall puts here is redacted and has the app secrets and verify token scrubbed; `cause` is what
 * the application's own code (`onEvent`, the dedupe store) threw, passed as it is.
 */
export type WebhookHandlerProblem =
  /** The signature was missing or wrong (answered 401 / 403), or no secret is configured (500). */
  | { readonly _tag: "Signature"; readonly error: SignatureError }
  /** The authentic delivery, or one of its items (`MalformedItem`, with its JSON path), could not be decoded. */
  | { readonly _tag: "Decode"; readonly error: WebhookDecodeError | WebhookItemProblem }
  /**
   * `onEvent` threw or rejected: the event is not recorded as handled, and the store's `release`
   * (when it has one) drops its claim, so a redelivery runs it again.
   */
  | { readonly _tag: "HandlerFailed"; readonly event: CallEvent; readonly cause: unknown }
  /** The dedupe store failed: the event was handled anyway (at least once), not recorded, or its claim not released. */
  | { readonly _tag: "DedupeFailed"; readonly event?: CallEvent; readonly cause: unknown }
  /** The body passed `maxBodyBytes` (answered 413); reading stopped at `received` bytes. */
  | { readonly _tag: "BodyTooLarge"; readonly limit: number; readonly received: number }
  /** The body did not arrive within the read timeout of the node adapter (answered 408). */
  | { readonly _tag: "BodyTimeout"; readonly timeoutMs: number; readonly received: number }
  /**
   * The body could not be read (answered 400): `consumed` when a body parser or the framework
   * read it before the handler (the message says what to change), `aborted` when the client went
   * away before the end, `failed` when the stream broke or gave something other than bytes.
   */
  | { readonly _tag: "BodyUnreadable"; readonly reason: BodyUnreadableReason; readonly message: string }
  /**
   * A subscription handshake (`hub.mode=subscribe`) was refused (answered 403): the verify token
   * does not match or is not configured, or the challenge is missing. A GET that is not a
   * handshake is answered 403 without a report.
   */
  | { readonly _tag: "Subscription"; readonly error: SubscriptionError }
  /** Anything else (answered 500, so Meta redelivers). */
  | { readonly _tag: "Unexpected"; readonly message: string };

/** Why a body could not be read (see {@link WebhookHandlerProblem}). */
export type BodyUnreadableReason = "consumed" | "aborted" | "failed";

/**
 * What the handler needs of a host's execution context: Cloudflare Workers' `ExecutionContext`
 * (the third argument of `fetch(request, env, ctx)`), Hono's `c.executionCtx`, or any object
 * whose `waitUntil` keeps the host alive until a promise settles.
 */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * A webhook endpoint on the Fetch API. Runtimes that pass an execution context as the third
 * argument (Cloudflare Workers: `export default { fetch: handler }`) get background `onEvent`
 * work kept alive through `ctx.waitUntil`.
 */
export type WebhookHandler = (request: Request, env?: unknown, ctx?: WaitUntilContext) => Promise<Response>;

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** The app secret (or several, during a rotation). */
  readonly appSecret: string | readonly string[];
  /** The verify token of the subscription handshake. */
  readonly verifyToken: string;
  /**
   * Called once per new event. May be async. An event counts as handled only once this returned
   * (or its promise resolved); a failure goes to `onError` and the event is handled again on
   * redelivery. Delivery is at least once: make it idempotent.
   */
  readonly onEvent: (event: CallEvent) => void | Promise<void>;
  /** Told about everything that went wrong, each with a `_tag` (see {@link WebhookHandlerProblem}). */
  readonly onError?: (problem: WebhookHandlerProblem) => void;
  /** Where handled events are remembered; `false` turns de-duplication off. @default memoryDedupeStore() */
  readonly dedupe?: DedupeStore | LegacyDedupeStore | false;
  /**
   * Answer only after `onEvent` settled for every event, with 500 when one failed so Meta
   * redelivers (events already handled are skipped then). For runtimes that stop work once the
   * response is sent. By default the answer (200) is sent at once and handlers run after it; a
   * failure then reaches `onError` with the event. On a runtime that stops work once the response
   * is sent (Cloudflare Workers), that work is kept alive with the request's `ctx.waitUntil`
   * (pass `ctx` as the handler's third argument, which Workers does for `export default { fetch:
   * handler }`) or the `waitUntil` option; with neither, set `awaitHandlers: true` there.
   * @default false
   */
  readonly awaitHandlers?: boolean;
  /**
   * Keeps the host alive until background `onEvent` work settles (when `awaitHandlers` is false),
   * for hosts that offer it as a function (e.g. `waitUntil` of `@vercel/functions`). The
   * request's own execution context, when one is passed to the handler, is used first. The
   * promise given never rejects.
   */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * The largest body read, in bytes: a longer one is answered 413 as soon as it passes the limit
   * (also when `Content-Length` announces it), before anything is buffered or verified. Meta
   * documents webhook payloads of up to 3 MB.
   * @default 3_145_728 (3 MiB)
   */
  readonly maxBodyBytes?: number;
}

/** What the node adapter reads from a handler made by {@link createWebhookHandler}. */
export interface HandlerSettings {
  readonly maxBodyBytes: number;
  readonly report: (problem: WebhookHandlerProblem) => void;
  /**
   * The POST path from the raw bytes on: the same work as the Fetch handler after it read the
   * body (limit, signature, decoding, dispatch). Calls `answer` with the status as soon as it is
   * known (synchronously when every step was): without `awaitHandlers`, before `onEvent` runs.
   * Never throws; `answer` must ignore a second call (made only after something unexpected).
   */
  readonly deliver: (bytes: Uint8Array<ArrayBuffer>, signatureHeader: string | undefined, answer: (status: number) => void) => void;
  /** The GET handshake from the query string: status and challenge. Never throws. */
  readonly handshake: (query: string) => { readonly status: number; readonly challenge?: string };
}

const settings = new WeakMap<object, HandlerSettings>();

/** What a Fetch request whose body was read before the handler is told to change. */
const CONSUMED_FETCH =
  "The request body was already read before the webhook handler got it (request.bodyUsed is true): the signature can only be checked over the raw bytes. Give the handler the request unread: in Hono, route it with (c) => handler(c.req.raw) and call no c.req.json(), c.req.text(), c.req.parseBody() or body validator on that route before it.";

/** One decoder for every delivery (UTF-8, replacement characters for invalid bytes, a leading BOM dropped). */
const utf8 = new TextDecoder();

/** The limit and reporter of a handler made by {@link createWebhookHandler} (`undefined` for any other function). */
export function handlerSettings(handler: unknown): HandlerSettings | undefined {
  return typeof handler === "function" ? settings.get(handler) : undefined;
}

const empty = (status: number, headers?: Record<string, string>) => new Response(null, { status, ...(headers !== undefined && { headers }) });

/** A short, redacted description of something thrown. */
export function describeCause(cause: unknown, scrub: Scrubber): string {
  const text = guard(
    () => (cause instanceof Error ? `${cause.name}: ${cause.message}` : typeof cause === "string" ? cause : `a thrown ${typeof cause}`),
    () => "an unreadable error",
  );
  return redactField(text.slice(0, 2048), scrub);
}

/**
 * Creates a webhook endpoint for the Fetch API. It never throws and answers every request with
 * a status:
 *
 * - `GET` handshake: 200 with the challenge, or 403;
 * - `POST`: 413 when the body passes `maxBodyBytes` (checked while reading), 400 when it cannot be
 *   read, 401 without a signature, 403 with a wrong one, 500 when no secret is configured;
 *   otherwise 200, also for an authentic delivery that cannot be decoded (its problems, each item
 *   with its JSON path, go to `onError`; Meta would only send it again), and for a delivery whose
 *   valid events were dispatched beside malformed items. With `awaitHandlers`, 500 when an
 *   `onEvent` failed, so Meta redelivers;
 * - other methods: 405.
 *
 * Each new event goes to `onEvent` once it is known not to be handled already, and is recorded
 * as handled only after `onEvent` succeeded (redeliveries of handled events are dropped by the
 * dedupe store). Every event and every report has the app secrets and verify token scrubbed.
 *
 * The handler takes `(request, env, ctx)` as Cloudflare Workers calls it: `onEvent` work still
 * running after the answer is handed to `ctx.waitUntil` (or to the `waitUntil` option). The
 * request must reach it unread (the signature is over the raw bytes): a body a framework read
 * first is answered 400 and reported as `BodyUnreadable` with reason `consumed`.
 *
 * @example
 * const handler = createWebhookHandler({ appSecret, verifyToken, onEvent: (e) => console.log(e._tag) });
 * export default { fetch: handler }; // Bun, Deno, Cloudflare Workers (ctx.waitUntil keeps onEvent work alive)
 * app.all("/webhook", (c) => handler(c.req.raw, c.env, c.executionCtx)); // Hono on Workers (see examples/webhook-hono.ts elsewhere)
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  // Each option is read once, in the guarded boundary: a hostile options object gives defaults.
  const appSecretOption = optionOf(options, "appSecret");
  const appSecret: string | readonly string[] = typeof appSecretOption === "string" ? appSecretOption : guard(() => (Array.isArray(appSecretOption) ? [...(appSecretOption as unknown[])].filter((s): s is string => typeof s === "string") : []), () => []);
  const verifyTokenOption = optionOf(options, "verifyToken");
  const verifyToken = typeof verifyTokenOption === "string" ? verifyTokenOption : "";
  const onEventOption = optionOf(options, "onEvent");
  const onErrorOption = optionOf(options, "onError");
  const dedupeOption = optionOf(options, "dedupe");
  const awaitHandlers = optionOf(options, "awaitHandlers") === true;
  const waitUntilOption = optionOf(options, "waitUntil");
  const secrets = [...(typeof appSecret === "string" ? [appSecret] : appSecret), verifyToken].filter((s) => s !== "");
  const scrub = makeScrubber(secrets);
  const maxBodyBytes = byteLimit(optionOf(options, "maxBodyBytes"));
  const store: object | undefined =
    dedupeOption === false ? undefined : (typeof dedupeOption === "object" && dedupeOption !== null) || typeof dedupeOption === "function" ? dedupeOption : memoryDedupeStore();

  const report = (p: WebhookHandlerProblem): void => {
    try {
      const r: unknown = typeof onErrorOption === "function" ? (onErrorOption as (problem: WebhookHandlerProblem) => unknown)(p) : undefined;
      // An async reporter that rejects must not become an unhandled rejection.
      if (r instanceof Promise) r.catch(() => undefined);
    } catch {
      // A failing error reporter must not break the endpoint.
    }
  };
  const unexpected = (cause: unknown) => report({ _tag: "Unexpected", message: describeCause(cause, scrub) });

  const dispatch = makeDispatch(store, onEventOption, report);

  const secretList = typeof appSecret === "string" ? (appSecret === "" ? [] : [appSecret]) : appSecret.filter((s) => s !== "");
  const decodeFailed: WebhookDecodeError = { _tag: "MalformedDelivery", path: "$", message: "The delivery could not be read" };

  /** Decodes with the handler's own scrubber (built once, not per delivery). Never throws. */
  function decode(bytes: Uint8Array<ArrayBuffer>): Result<WebhookItems, WebhookDecodeError> {
    return guard(
      () => {
        const parsed = parseJson(utf8.decode(bytes));
        if (!parsed.ok) return err({ _tag: "InvalidJson", path: "$", message: "The delivery is not valid JSON" } as const);
        // The parsed value is handed over: with a dedupe store, keys are fixed as events are built
        // and an unchanged `raw` is not copied.
        return decodeDelivery(parsed.value, scrub, secrets, store !== undefined);
      },
      () => err(decodeFailed),
      err(decodeFailed),
    );
  }

  /** The POST path from the raw bytes on; calls `answer` once with the status. */
  /**
   * Hands background work to the request's execution context, else to the `waitUntil` option.
   * Never throws: a context whose `waitUntil` cannot be read or called is reported, and the work
   * goes on without it.
   */
  function keepAlive(work: Promise<unknown>, ctx: unknown): void {
    if (ctx !== undefined && ctx !== null) {
      try {
        const waitUntil = (ctx as Partial<WaitUntilContext>).waitUntil;
        if (typeof waitUntil === "function") return void waitUntil.call(ctx, work);
      } catch (cause) {
        report({ _tag: "Unexpected", message: `The execution context's waitUntil failed: ${describeCause(cause, scrub)}` });
      }
    }
    if (typeof waitUntilOption !== "function") return;
    try {
      (waitUntilOption as (promise: Promise<unknown>) => unknown)(work);
    } catch (cause) {
      report({ _tag: "Unexpected", message: `The waitUntil option failed: ${describeCause(cause, scrub)}` });
    }
  }

  function deliver(bytes: Uint8Array<ArrayBuffer>, signatureHeader: string | undefined | null, answer: (status: number) => void, ctx?: unknown): void {
    if (bytes.byteLength > maxBodyBytes) {
      report({ _tag: "BodyTooLarge", limit: maxBodyBytes, received: bytes.byteLength });
      return answer(413);
    }
    const verified = verifyOwnedBytes(bytes, signatureHeader, secretList);
    if (!(verified instanceof Promise)) return afterVerify(bytes, verified, answer, ctx);
    verified.then(
      (v) => afterVerify(bytes, v, answer, ctx),
      (cause: unknown) => {
        unexpected(cause);
        answer(500);
      },
    );
  }

  function afterVerify(bytes: Uint8Array<ArrayBuffer>, verified: Result<void, SignatureError>, answer: (status: number) => void, ctx: unknown): void {
    if (verified.isErr()) {
      report({ _tag: "Signature", error: verified.error });
      const e = verified.error._tag;
      return answer(e === "MissingSignature" ? 401 : e === "NoSecretConfigured" ? 500 : 403);
    }
    const decoded = decode(bytes);
    if (decoded.isErr()) {
      // Authentic but unreadable: answer 200 so Meta does not redeliver it for a week.
      report({ _tag: "Decode", error: decoded.error });
      return answer(200);
    }
    for (const problem of decoded.value.problems) report({ _tag: "Decode", error: problem });
    // Without awaitHandlers, the answer goes first and the handlers run after it.
    if (!awaitHandlers) answer(200);
    let work: boolean | Promise<boolean>;
    try {
      work = dispatch(decoded.value.events);
    } catch (cause) {
      unexpected(cause);
      work = false;
    }
    if (work instanceof Promise) {
      const settled = work.catch((cause: unknown) => {
        unexpected(cause);
        return false;
      });
      if (awaitHandlers) void settled.then((ok) => answer(ok ? 200 : 500));
      else keepAlive(settled, ctx);
      return;
    }
    if (awaitHandlers) answer(work ? 200 : 500);
  }

  /** `deliver` with the status as a promise, and a throw (which `deliver` never lets out) as a 500. */
  function deliverAsync(bytes: Uint8Array<ArrayBuffer>, signatureHeader: string | undefined | null, ctx: unknown): Promise<number> {
    return new Promise<number>((resolve) => deliver(bytes, signatureHeader, resolve, ctx)).catch((cause: unknown) => {
      unexpected(cause);
      return 500;
    });
  }

  async function post(request: Request, ctx: unknown): Promise<Response> {
    if (request.bodyUsed) {
      report({ _tag: "BodyUnreadable", reason: "consumed", message: CONSUMED_FETCH });
      return empty(400);
    }
    const declared = declaredLength(request.headers.get("content-length"));
    if (declared !== undefined && declared > maxBodyBytes) {
      report({ _tag: "BodyTooLarge", limit: maxBodyBytes, received: 0 });
      request.body?.cancel().catch(() => undefined);
      return empty(413);
    }
    const body = await readLimited(request.body, maxBodyBytes);
    if (body._tag === "TooLarge") {
      report({ _tag: "BodyTooLarge", limit: maxBodyBytes, received: body.received });
      return empty(413);
    }
    if (body._tag === "Failed") {
      report({ _tag: "BodyUnreadable", reason: "failed", message: describeCause(body.cause, scrub) });
      return empty(400);
    }
    return empty(await deliverAsync(body.bytes, request.headers.get("x-hub-signature-256"), ctx));
  }

  function handshake(query: string): { readonly status: number; readonly challenge?: string } {
    return verifySubscription(query, verifyToken).match(
      (challenge) => ({ status: 200, challenge }),
      (error) => {
        // Only a real handshake is worth a report: health checks and scanners GET the URL too.
        if (error._tag !== "NotASubscription") report({ _tag: "Subscription", error });
        return { status: 403 };
      },
    );
  }

  async function handle(request: Request, ctx: unknown): Promise<Response> {
    const method = request.method;
    if (method === "GET") {
      const answer = handshake(new URL(request.url).search);
      return answer.challenge === undefined ? empty(answer.status) : new Response(answer.challenge, { status: 200, headers: { "content-type": "text/plain" } });
    }
    if (method !== "POST") return empty(405, { allow: "GET, POST" });
    return post(request, ctx);
  }

  const handler: WebhookHandler = (request, _env, ctx) =>
    new Promise<Response>((resolve) => resolve(handle(request, ctx))).catch((cause: unknown) => {
      unexpected(cause);
      return empty(500);
    });
  settings.set(handler, {
    maxBodyBytes,
    report,
    // The node adapter's answer writes once; deliver answers once on every path it returns from.
    deliver: (bytes, header, answer) => {
      try {
        deliver(bytes, header, answer);
      } catch (cause) {
        unexpected(cause);
        answer(500);
      }
    },
    handshake,
  });
  return handler;
}
