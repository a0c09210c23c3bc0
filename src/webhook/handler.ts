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
import { eventKey, eventKeyNow, eventKeyOfParsed } from "./event-key.js";
import type { CallEvent, WebhookDecodeError, WebhookItemProblem } from "./events.js";
import type { WebhookItems } from "./event-types.js";
import { decodeDelivery } from "./items.js";
import { bytesToText, parseJson } from "../internal/json.js";
import { verifyOwnedBytes, verifySubscription, type SignatureError } from "./signature.js";
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
  /** `onEvent` threw or rejected: the event is not recorded as handled, so a redelivery runs it again. */
  | { readonly _tag: "HandlerFailed"; readonly event: CallEvent; readonly cause: unknown }
  /** The dedupe store failed: the event was handled anyway (at least once) or not recorded. */
  | { readonly _tag: "DedupeFailed"; readonly event?: CallEvent; readonly cause: unknown }
  /** The body passed `maxBodyBytes` (answered 413); reading stopped at `received` bytes. */
  | { readonly _tag: "BodyTooLarge"; readonly limit: number; readonly received: number }
  /** The body did not arrive within the read timeout of the node adapter (answered 408). */
  | { readonly _tag: "BodyTimeout"; readonly timeoutMs: number; readonly received: number }
  /** The body could not be read (the client went away, or a body parser consumed it; answered 400). */
  | { readonly _tag: "BodyUnreadable"; readonly message: string }
  /** Anything else (answered 500, so Meta redelivers). */
  | { readonly _tag: "Unexpected"; readonly message: string };

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
   * failure then reaches `onError` with the event.
   * @default false
   */
  readonly awaitHandlers?: boolean;
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
   * body (limit, signature, decoding, dispatch), answering with a status. Never rejects.
   */
  readonly deliver: (bytes: Uint8Array<ArrayBuffer>, signatureHeader: string | undefined) => Promise<number>;
  /** The GET handshake from the query string: status and challenge. Never throws. */
  readonly handshake: (query: string) => { readonly status: number; readonly challenge?: string };
}

const settings = new WeakMap<object, HandlerSettings>();

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

/** The store, whatever its shape, as: was it handled? (then) it succeeded / it failed. */
interface Ledger {
  isHandled(key: string): Promise<boolean>;
  succeeded(key: string): Promise<void>;
  failed(key: string): Promise<void>;
}

const call = <T>(run: () => T | Promise<T>): Promise<T> => new Promise<T>((resolve) => resolve(run()));

function ledgerOf(store: unknown): Ledger {
  if (guard(() => typeof (store as Partial<DedupeStore>).isHandled === "function", () => false)) {
    const s = store as DedupeStore;
    return {
      isHandled: (key) => call(() => s.isHandled(key)).then((v) => v === true),
      succeeded: (key) => call(() => s.markHandled(key)).then(() => undefined),
      failed: () => Promise.resolve(),
    };
  }
  const legacy = store as LegacyDedupeStore;
  return {
    isHandled: (key) => call(() => legacy.firstSeen(key)).then((fresh) => fresh === false),
    succeeded: () => Promise.resolve(),
    failed: (key) => call(() => legacy.forget?.(key)).then(() => undefined),
  };
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
 * @example
 * const handler = createWebhookHandler({ appSecret, verifyToken, onEvent: (e) => console.log(e._tag) });
 * export default { fetch: handler }; // Bun, Deno, Cloudflare Workers; or app.all("/webhook", (c) => handler(c.req.raw)) in Hono
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  // Each option is read once, in the guarded boundary: a hostile options object gives defaults.
  const appSecretOption = optionOf(options, "appSecret");
  const appSecret: string | readonly string[] = typeof appSecretOption === "string" ? appSecretOption : guard(() => (Array.isArray(appSecretOption) ? [...(appSecretOption as unknown[])].filter((s): s is string => typeof s === "string") : []), () => []);
  const verifyTokenOption = optionOf(options, "verifyToken");
  const verifyToken = typeof verifyTokenOption === "string" ? verifyTokenOption : "";
  const onEventOption = optionOf(options, "onEvent");
  const onErrorOption = optionOf(options, "onError");
  const dedupeOption = optionOf(options, "dedupe");
  const awaitHandlers = optionOf(options, "awaitHandlers") === true;
  const secrets = [...(typeof appSecret === "string" ? [appSecret] : appSecret), verifyToken].filter((s) => s !== "");
  const scrub = makeScrubber(secrets);
  const maxBodyBytes = byteLimit(optionOf(options, "maxBodyBytes"));
  const store = dedupeOption === false ? undefined : ledgerOf(dedupeOption ?? memoryDedupeStore());
  /** Outcomes of events being handled right now, by key: a concurrent redelivery waits for it. */
  const inflight = new Map<string, Promise<boolean>>();

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

  /** Handles one event; says whether it ended handled (now or before). */
  async function handleOne(event: CallEvent, key: string | undefined): Promise<boolean> {
    if (store !== undefined && key !== undefined) {
      let handled = false;
      try {
        handled = await store.isHandled(key);
      } catch (cause) {
        report({ _tag: "DedupeFailed", event, cause }); // handle it anyway: at least once
      }
      if (handled) return true;
    }
    try {
      await call(() => (onEventOption as (event: CallEvent) => unknown)(event));
    } catch (cause) {
      report({ _tag: "HandlerFailed", event, cause });
      if (store !== undefined && key !== undefined) await store.failed(key).catch((c: unknown) => report({ _tag: "DedupeFailed", event, cause: c }));
      return false;
    }
    if (store !== undefined && key !== undefined) await store.succeeded(key).catch((c: unknown) => report({ _tag: "DedupeFailed", event, cause: c }));
    return true;
  }

  /** Dispatches the events in order; says whether every one ended handled. */
  async function dispatch(events: readonly CallEvent[]): Promise<boolean> {
    let all = true;
    for (const event of events) {
      const key = store === undefined ? undefined : (eventKeyOfParsed(event) ?? eventKeyNow(event) ?? (await eventKey(event)));
      const running = key === undefined ? undefined : inflight.get(key);
      if (running !== undefined && (await running)) continue; // a concurrent delivery handled it
      const outcome = handleOne(event, key);
      if (key !== undefined) inflight.set(key, outcome);
      const ok = await outcome;
      if (key !== undefined && inflight.get(key) === outcome) inflight.delete(key);
      all &&= ok;
    }
    return all;
  }

  const secretList = typeof appSecret === "string" ? (appSecret === "" ? [] : [appSecret]) : appSecret.filter((s) => s !== "");
  const decodeFailed: WebhookDecodeError = { _tag: "MalformedDelivery", path: "$", message: "The delivery could not be read" };

  /** Decodes with the handler's own scrubber (built once, not per delivery). Never throws. */
  function decode(bytes: Uint8Array<ArrayBuffer>): Result<WebhookItems, WebhookDecodeError> {
    return guard(
      () => {
        const text = bytesToText(bytes) ?? "";
        const parsed = parseJson(text);
        if (!parsed.ok) return err({ _tag: "InvalidJson", path: "$", message: "The delivery is not valid JSON" } as const);
        return decodeDelivery(parsed.value, scrub, secrets);
      },
      () => err(decodeFailed),
      err(decodeFailed),
    );
  }

  /** The POST path from the raw bytes on; answers with a status. */
  function deliver(bytes: Uint8Array<ArrayBuffer>, signatureHeader: string | undefined | null): Promise<number> {
    if (bytes.byteLength > maxBodyBytes) {
      report({ _tag: "BodyTooLarge", limit: maxBodyBytes, received: bytes.byteLength });
      return Promise.resolve(413);
    }
    const verified = verifyOwnedBytes(bytes, signatureHeader, secretList);
    return verified instanceof Promise ? verified.then((v) => afterVerify(bytes, v)) : afterVerify(bytes, verified);
  }

  function afterVerify(bytes: Uint8Array<ArrayBuffer>, verified: Result<void, SignatureError>): Promise<number> {
    if (verified.isErr()) {
      report({ _tag: "Signature", error: verified.error });
      const e = verified.error._tag;
      return Promise.resolve(e === "MissingSignature" ? 401 : e === "NoSecretConfigured" ? 500 : 403);
    }
    const decoded = decode(bytes);
    if (decoded.isErr()) {
      // Authentic but unreadable: answer 200 so Meta does not redeliver it for a week.
      report({ _tag: "Decode", error: decoded.error });
      return Promise.resolve(200);
    }
    for (const problem of decoded.value.problems) report({ _tag: "Decode", error: problem });
    const work = dispatch(decoded.value.events).catch((cause: unknown) => {
      unexpected(cause);
      return false;
    });
    if (!awaitHandlers) return Promise.resolve(200);
    return work.then((ok) => (ok ? 200 : 500));
  }

  async function post(request: Request): Promise<Response> {
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
      report({ _tag: "BodyUnreadable", message: describeCause(body.cause, scrub) });
      return empty(400);
    }
    return empty(await deliver(body.bytes, request.headers.get("x-hub-signature-256")));
  }

  function handshake(query: string): { readonly status: number; readonly challenge?: string } {
    return verifySubscription(query, verifyToken).match(
      (challenge) => ({ status: 200, challenge }),
      () => ({ status: 403 }),
    );
  }

  async function handle(request: Request): Promise<Response> {
    const method = request.method;
    if (method === "GET") {
      const answer = handshake(new URL(request.url).search);
      return answer.challenge === undefined ? empty(answer.status) : new Response(answer.challenge, { status: 200, headers: { "content-type": "text/plain" } });
    }
    if (method !== "POST") return empty(405, { allow: "GET, POST" });
    return post(request);
  }

  const handler = (request: Request): Promise<Response> =>
    call(() => handle(request)).catch((cause: unknown) => {
      unexpected(cause);
      return empty(500);
    });
  settings.set(handler, { maxBodyBytes, report, deliver: (bytes, header) => call(() => deliver(bytes, header)).catch((cause: unknown) => {
    unexpected(cause);
    return 500;
  }), handshake });
  return handler;
}
