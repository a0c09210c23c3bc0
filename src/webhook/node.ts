/**
 * A `node:http` adapter for the Fetch-API webhook handler (also fits Express: mount it before any
 * body parser, or with `express.raw({ type: "*\/*" })`, so the raw bytes reach the signature
 * check). It loads no `node:` module and its types are structural, so using `wacall/webhook`
 * needs no Node type definitions.
 *
 * @module
 */
import { guard } from "../internal/guard.js";
import { DEFAULT_MAX_BODY_BYTES, byteLimit, concat, declaredLength } from "./body.js";
import { describeCause, handlerSettings, type HandlerSettings, type WebhookHandlerProblem } from "./handler.js";
import { noSecrets } from "../internal/redact.js";
import { optionOf, positiveOption } from "./options.js";

/** The part of `http.IncomingMessage` (or an Express request) the adapter reads. */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Set by Express body parsers; bytes from `express.raw()` are accepted. */
  readonly body?: unknown;
  /** `true` once the body stream was read to its end (by a body parser, when `body` is set). */
  readonly readableEnded?: boolean;
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (error: unknown) => void): unknown;
  on(event: "close", listener: () => void): unknown;
  /** Stops the flow of data (used once the body is refused). */
  pause?(): unknown;
  removeAllListeners?(event: "data"): unknown;
  /** Closes the connection of an unfinished request. */
  destroy?(error?: Error): unknown;
}

/** The part of `http.ServerResponse` the adapter writes. */
export interface NodeResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(body?: Uint8Array): unknown;
}

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * The largest body read, in bytes: reading stops at the first chunk past it (or at once when
   * `Content-Length` announces more), the answer is 413 and the connection is closed.
   * @default the handler's `maxBodyBytes` (3 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * How long the whole body may take to arrive, from the moment the headers were read: a slower
   * body (a slow-loris client) is answered 408 and its connection closed at that moment.
   * @default 10_000
   */
  readonly bodyTimeoutMs?: number;
  /**
   * How long the connection of a refused body stays open, not read, before it is closed (so the
   * client can read the 413 first).
   * @default 1_000
   */
  readonly lingerMs?: number;
  /** Told about refused and unreadable bodies. @default the handler's `onError` */
  readonly onError?: (problem: WebhookHandlerProblem) => void;
}

/**
 * Recommended `http.createServer` options for a webhook endpoint: headers must arrive within 10
 * seconds and the whole request within 30, checked every second (Node's defaults are 60 s, 300 s
 * and 30 s). The adapter bounds the body itself; these bound the headers, which arrive before
 * the adapter is called.
 *
 * @example
 * http.createServer(webhookServerOptions, toNodeListener(handler)).listen(8080);
 */
export const webhookServerOptions: { readonly headersTimeout: number; readonly requestTimeout: number; readonly connectionsCheckingInterval: number } = Object.freeze({
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
});


/**
 * Wraps `(request: Request) => Promise<Response>` as a `(req, res)` listener. The body is read
 * with a byte limit enforced while reading (reading stops, 413, connection closed after `lingerMs`) and a read timeout (408,
 * connection closed); a body already consumed by a body parser is reported (400), never silently
 * refused. Takes the limit and `onError` of a handler made by `createWebhookHandler`.
 *
 * @example
 * http.createServer(webhookServerOptions, toNodeListener(createWebhookHandler({ appSecret, verifyToken, onEvent }))).listen(8080);
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
  options: NodeListenerOptions = {},
): (req: NodeRequestLike, res: NodeResponseLike) => void {
  const inherited = handlerSettings(handler);
  const maxOption = optionOf(options, "maxBodyBytes");
  const maxBodyBytes = maxOption === undefined ? (inherited?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : byteLimit(maxOption);
  const bodyTimeoutMs = positiveOption(options, "bodyTimeoutMs", 10_000);
  const lingerMs = positiveOption(options, "lingerMs", 1_000);
  const onErrorOption = optionOf(options, "onError");
  const onError = typeof onErrorOption === "function" ? (onErrorOption as (problem: WebhookHandlerProblem) => void) : undefined;
  const report = (p: WebhookHandlerProblem): void => {
    if (onError === undefined) return inherited?.report(p);
    try {
      onError(p);
    } catch {
      // A failing reporter must not break the endpoint.
    }
  };

  return (req, res) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const close = () => {
      try {
        req.destroy?.();
      } catch {
        // Already closed.
      }
    };
    const answer = (status: number, headers: Iterable<[string, string]> = [], body?: Uint8Array) => {
      try {
        if (res.headersSent) return void res.end();
        res.statusCode = status;
        for (const [k, v] of headers) res.setHeader(k, v);
        res.end(body);
      } catch {
        close();
      }
    };
    /**
     * Refuses the request: stop reading (the socket is paused, so the client is held by TCP flow
     * control), answer, and close the connection after `lingerFor` ms. Closing a socket with
     * unread bytes resets it, so the pause gives the client time to read the answer first.
     */
    const refuse = (status: number, problem: WebhookHandlerProblem, lingerFor: number) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      report(problem);
      try {
        req.removeAllListeners?.("data");
        req.pause?.();
      } catch {
        // Nothing more to read.
      }
      answer(status);
      if (lingerFor <= 0) return close();
      const linger = setTimeout(close, lingerFor) as unknown as { unref?: () => void };
      linger.unref?.();
    };
    const forward = (body: Uint8Array<ArrayBuffer>) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      if (inherited !== undefined) return direct(inherited, body);
      toRequest(req, body)
        .then((request) => handler(request))
        .then(async (response) => {
          const bytes = new Uint8Array(await response.arrayBuffer());
          const headers: [string, string][] = [];
          response.headers.forEach((value, name) => void headers.push([name, value]));
          answer(response.status, headers, bytes.byteLength === 0 ? undefined : bytes);
        })
        .catch((cause: unknown) => {
          report({ _tag: "Unexpected", message: describeCause(cause, noSecrets) });
          answer(500);
        });
    };

    /**
     * A handler made by `createWebhookHandler`: its core gets the raw bytes and answers with a
     * status, with no Fetch `Request` or `Response` built in between (same checks, same order).
     */
    const direct = (core: HandlerSettings, body: Uint8Array<ArrayBuffer>) => {
      try {
        const method = methodOf(req.method);
        if (method === "GET") {
          const { status, challenge } = core.handshake(queryOf(req.url));
          return challenge === undefined ? answer(status) : answer(200, [["content-type", "text/plain"]], encoder.encode(challenge));
        }
        if (method !== "POST") return answer(405, [["allow", "GET, POST"]]);
        core.deliver(body, headerOf(req.headers["x-hub-signature-256"]), (status) => answer(status));
      } catch (cause) {
        report({ _tag: "Unexpected", message: describeCause(cause, noSecrets) });
        answer(500);
      }
    };

    try {
      const parsed = req.body;
      if (parsed instanceof Uint8Array) {
        // Express with express.raw() has already read the stream into a Buffer.
        if (parsed.byteLength > maxBodyBytes) return refuse(413, { _tag: "BodyTooLarge", limit: maxBodyBytes, received: parsed.byteLength }, 0);
        return forward(new Uint8Array(parsed));
      }
      if (parsed !== undefined && req.readableEnded !== false) {
        const kind = parsed === null ? "null" : Array.isArray(parsed) ? "an array" : `a ${typeof parsed}`;
        const message = `A body parser already read the body (req.body is ${kind}): the signature can only be checked over the raw bytes. Mount the webhook route before any body parser, or use express.raw({ type: "*/*" }).`;
        return refuse(400, { _tag: "BodyUnreadable", message }, 0);
      }
      const method = req.method ?? "GET";
      if (method === "GET" || method === "HEAD") return forward(new Uint8Array(0));
      const declared = declaredLength(typeof req.headers["content-length"] === "string" ? req.headers["content-length"] : undefined);
      if (declared !== undefined && declared > maxBodyBytes) return refuse(413, { _tag: "BodyTooLarge", limit: maxBodyBytes, received: 0 }, lingerMs);

      const chunks: Uint8Array[] = [];
      let total = 0;
      timer = setTimeout(() => refuse(408, { _tag: "BodyTimeout", timeoutMs: bodyTimeoutMs, received: total }, 0), bodyTimeoutMs);
      req.on("data", (chunk: Uint8Array) => {
        if (done) return;
        const size = guard(() => (chunk instanceof Uint8Array ? chunk.byteLength : -1), () => -1);
        if (size < 0) return refuse(400, { _tag: "BodyUnreadable", message: "The request stream gave something other than bytes" }, 0);
        total += size;
        if (total > maxBodyBytes) {
          chunks.length = 0;
          try {
            req.pause?.();
          } catch {
            // Refused below either way.
          }
          return refuse(413, { _tag: "BodyTooLarge", limit: maxBodyBytes, received: total }, lingerMs);
        }
        chunks.push(chunk);
      });
      req.on("end", () => forward(concat(chunks, total)));
      req.on("error", (cause) => refuse(400, { _tag: "BodyUnreadable", message: describeCause(cause, noSecrets) }, 0));
      req.on("close", () => {
        if (!done) refuse(400, { _tag: "BodyUnreadable", message: "The client closed the connection before the body was complete" }, 0);
      });
    } catch (cause) {
      refuse(500, { _tag: "Unexpected", message: describeCause(cause, noSecrets) }, 0);
    }
  };
}

const encoder = new TextEncoder();

/** The method as a Fetch `Request` would hold it (standard methods upper-cased). */
function methodOf(method: unknown): string {
  if (typeof method !== "string") return "GET";
  const up = method.toUpperCase();
  return ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].includes(up) ? up : method;
}

/** The query of a request target (`?…`, or `""`), read like the Fetch path reads it: through a URL. */
function queryOf(url: unknown): string {
  return guard(() => new URL(typeof url === "string" ? url : "/", "http://localhost").search, () => "");
}

/** A header as `Headers.get` gives it: repeated values joined with ", ". */
function headerOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return undefined;
  const parts = (value as readonly unknown[]).filter((v): v is string => typeof v === "string");
  return parts.length === 0 ? undefined : parts.join(", ");
}

async function toRequest(req: NodeRequestLike, body: Uint8Array<ArrayBuffer>): Promise<Request> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === "string") headers.set(k, v);
    else if (Array.isArray(v)) for (const item of v as readonly unknown[]) if (typeof item === "string") headers.append(k, item);
  }
  // Only the path and query matter (the handshake reads the query); the Host header is not trusted.
  const url = new URL(typeof req.url === "string" ? req.url : "/", "http://localhost");
  const method = req.method ?? "GET";
  return new Request(url, { method, headers, ...(method !== "GET" && method !== "HEAD" && { body }) });
}
