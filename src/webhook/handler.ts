/**
 * A webhook endpoint on the Fetch API (`(request: Request) => Promise<Response>`): handshake,
 * signature check, decoding, de-duplication of redelivered events, dispatch.
 *
 * @module
 */
import { decodeWebhook, type CallEvent, type WebhookDecodeError } from "./events.js";
import { verifySignature, verifySubscription, type SignatureError } from "./signature.js";

/** Remembers which events were handled. `firstSeen` records the key and says whether it is new. */
export interface DedupeStore {
  firstSeen(key: string): boolean | Promise<boolean>;
}

/**
 * An in-memory {@link DedupeStore}: bounded (oldest keys dropped first) and with a time-to-live.
 * Meta redelivers for up to 7 days; a process restart forgets, so use a shared store (Redis
 * `SET NX EX`) when several instances serve the endpoint.
 *
 * @example
 * createWebhookHandler({ appSecret, verifyToken, onEvent, dedupe: memoryDedupeStore({ maxKeys: 50_000 }) });
 */
export function memoryDedupeStore(options: { readonly maxKeys?: number; readonly ttlMs?: number; readonly clock?: () => number } = {}): DedupeStore {
  const maxKeys = options.maxKeys ?? 10_000;
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const clock = options.clock ?? Date.now;
  const seen = new Map<string, number>();
  return {
    firstSeen(key) {
      const now = clock();
      const at = seen.get(key);
      if (at !== undefined && now - at < ttlMs) return false;
      seen.delete(key);
      seen.set(key, now);
      while (seen.size > maxKeys) {
        const oldest = seen.keys().next();
        if (oldest.done === true) break;
        seen.delete(oldest.value);
      }
      return true;
    },
  };
}

/**
 * The identity of an event across redeliveries: call id + event + timestamp (status for call
 * statuses; message id for permission replies).
 */
export function eventKey(e: CallEvent): string {
  switch (e._tag) {
    case "CallConnect":
    case "CallTerminate":
      return `${e._tag}:${e.callId}:${e.timestamp?.getTime() ?? ""}`;
    case "CallStatus":
      return `${e._tag}:${e.callId}:${e.rawStatus}:${e.timestamp?.getTime() ?? ""}`;
    case "CallPermissionReply":
      return `${e._tag}:${e.messageId ?? e.from}:${e.timestamp?.getTime() ?? ""}`;
    case "UnknownCallEvent":
      return `${e._tag}:${e.event}:${e.callId ?? ""}:${JSON.stringify(e.raw)}`;
    case "UnknownChange":
      return `${e._tag}:${e.field}:${JSON.stringify(e.raw)}`;
  }
}

/** Something that went wrong around a delivery, reported to `onError` (never thrown). */
export type WebhookHandlerProblem =
  | { readonly _tag: "Signature"; readonly error: SignatureError }
  | { readonly _tag: "Decode"; readonly error: WebhookDecodeError }
  | { readonly _tag: "HandlerFailed"; readonly event: CallEvent; readonly cause: unknown }
  | { readonly _tag: "DedupeFailed"; readonly cause: unknown };

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** The app secret (or several, during a rotation). */
  readonly appSecret: string | readonly string[];
  /** The verify token of the subscription handshake. */
  readonly verifyToken: string;
  /** Called once per new event. May be async; its failures go to `onError`. */
  readonly onEvent: (event: CallEvent) => void | Promise<void>;
  /** Told about bad signatures, undecodable deliveries and failing handlers. */
  readonly onError?: (problem: WebhookHandlerProblem) => void;
  /** Where handled events are remembered; `false` turns de-duplication off. @default memoryDedupeStore() */
  readonly dedupe?: DedupeStore | false;
  /**
   * Answer only after `onEvent` settled for every event (for runtimes that stop work once the
   * response is sent). By default the answer is sent at once and handlers run after it.
   * @default false
   */
  readonly awaitHandlers?: boolean;
}

const empty = (status: number) => new Response(null, { status });

/**
 * Creates a webhook endpoint for the Fetch API: it answers the GET handshake, rejects a missing
 * signature with 401 and a wrong one with 403 (no detail in the body), answers 200 quickly, and
 * hands each new event to `onEvent` once (redeliveries are dropped by the dedupe store). It
 * answers every request with a status and never throws.
 *
 * @example
 * const handler = createWebhookHandler({ appSecret, verifyToken, onEvent: (e) => console.log(e._tag) });
 * export default { fetch: handler }; // Bun, Deno, Cloudflare Workers; or app.all("/webhook", (c) => handler(c.req.raw)) in Hono
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const store = options.dedupe === false ? undefined : (options.dedupe ?? memoryDedupeStore());
  const report = (p: WebhookHandlerProblem) => {
    try {
      options.onError?.(p);
    } catch {
      // A failing error reporter must not break the endpoint.
    }
  };

  async function dispatch(events: readonly CallEvent[]): Promise<void> {
    for (const event of events) {
      let fresh = true;
      if (store !== undefined) {
        try {
          fresh = await store.firstSeen(eventKey(event));
        } catch (cause) {
          report({ _tag: "DedupeFailed", cause });
        }
      }
      if (!fresh) continue;
      try {
        await options.onEvent(event);
      } catch (cause) {
        report({ _tag: "HandlerFailed", event, cause });
      }
    }
  }

  async function handle(request: Request): Promise<Response> {
    if (request.method === "GET") {
      return verifySubscription(new URL(request.url), options.verifyToken).match(
        (challenge) => new Response(challenge, { status: 200, headers: { "content-type": "text/plain" } }),
        () => empty(403),
      );
    }
    if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
    const raw = new Uint8Array(await request.arrayBuffer());
    const verified = await verifySignature(raw, request.headers.get("x-hub-signature-256"), options.appSecret);
    if (verified.isErr()) {
      report({ _tag: "Signature", error: verified.error });
      const e = verified.error._tag;
      return empty(e === "MissingSignature" ? 401 : e === "NoSecretConfigured" ? 500 : 403);
    }
    const decoded = decodeWebhook(raw);
    if (decoded.isErr()) {
      // Authentic but unreadable: answer 200 so Meta does not redeliver it for a week.
      report({ _tag: "Decode", error: decoded.error });
      return empty(200);
    }
    const work = dispatch(decoded.value);
    if (options.awaitHandlers === true) await work;
    return empty(200);
  }

  return (request) => handle(request).catch(() => empty(400));
}
