/**
 * A `node:http` adapter for the Fetch-API webhook handler (also fits Express: mount it before any
 * body parser, or after `express.raw({ type: "application/json" })`, so the raw bytes reach the
 * signature check). It loads no `node:` module and its types are structural, so using `wacall/webhook`
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
   * body (a slow-loris client) is answered 408 and its connection closed (checked every tenth of
   * this time, so within 110 % of it).
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
  const listener: Listener = { handler, core: inherited, maxBodyBytes, bodyTimeoutMs, lingerMs, report, reading: new Set(), sweeper: undefined };
  return (req, res) => new Exchange(listener, req, res).start();
}

/** What every request of one listener shares. */
interface Listener {
  readonly handler: (request: Request) => Promise<Response>;
  /** The core of a handler made by `createWebhookHandler`, which the adapter hands raw bytes to. */
  readonly core: HandlerSettings | undefined;
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly lingerMs: number;
  readonly report: (problem: WebhookHandlerProblem) => void;
  /** Requests whose body is being read, checked against the body timeout by one timer per listener. */
  readonly reading: Set<Exchange>;
  sweeper: ReturnType<typeof setInterval> | undefined;
}

/** How often a listener's timer looks for bodies past their timeout: a tenth of it, between 10 ms and 1 s. */
const sweepEvery = (timeoutMs: number) => Math.min(1_000, Math.max(10, Math.floor(timeoutMs / 10)));

/**
 * One request and its answer. The state of a request lives here instead of in closures made per
 * request; the body timeout is checked by the listener's one timer instead of a timer per request.
 */
class Exchange {
  private done = false;
  private answered = false;
  private chunks: Uint8Array[] = [];
  private total = 0;
  private startedAt = 0;

  constructor(
    private readonly l: Listener,
    private readonly req: NodeRequestLike,
    private readonly res: NodeResponseLike,
  ) {}

  start(): void {
    const { req, l } = this;
    try {
      const parsed = req.body;
      if (parsed instanceof Uint8Array) {
        // Express with express.raw() has already read the stream into a Buffer.
        if (parsed.byteLength > l.maxBodyBytes) return this.refuse(413, { _tag: "BodyTooLarge", limit: l.maxBodyBytes, received: parsed.byteLength }, 0);
        return this.forward(new Uint8Array(parsed));
      }
      if (parsed !== undefined && req.readableEnded !== false) {
        const kind = parsed === null ? "null" : Array.isArray(parsed) ? "an array" : typeof parsed === "object" ? "an object" : `a ${typeof parsed}`;
        return this.refuse(400, { _tag: "BodyUnreadable", reason: "consumed", message: consumedMessage(`a body parser already read it (req.body is ${kind})`) }, 0);
      }
      const method = req.method ?? "GET";
      if (method === "GET" || method === "HEAD") return this.forward(new Uint8Array(0));
      // Read to its end by something else, with nothing left in req.body: no data or end will come.
      if (req.readableEnded === true) return this.refuse(400, { _tag: "BodyUnreadable", reason: "consumed", message: consumedMessage("the request stream was already read to its end") }, 0);
      const declared = declaredLength(typeof req.headers["content-length"] === "string" ? req.headers["content-length"] : undefined);
      if (declared !== undefined && declared > l.maxBodyBytes) return this.refuse(413, { _tag: "BodyTooLarge", limit: l.maxBodyBytes, received: 0 }, l.lingerMs);
      this.watch();
      req.on("data", (chunk: Uint8Array) => this.data(chunk));
      req.on("end", () => this.end());
      req.on("error", (cause) => this.refuse(400, { _tag: "BodyUnreadable", reason: "failed", message: describeCause(cause, noSecrets) }, 0));
      req.on("close", () => {
        if (!this.done) this.refuse(400, { _tag: "BodyUnreadable", reason: "aborted", message: "The client closed the connection before the body was complete" }, 0);
      });
    } catch (cause) {
      this.refuse(500, { _tag: "Unexpected", message: describeCause(cause, noSecrets) }, 0);
    }
  }

  /** Puts the request under the listener's body-timeout timer (started when the first body is read). */
  private watch(): void {
    const l = this.l;
    this.startedAt = Date.now();
    l.reading.add(this);
    if (l.sweeper !== undefined) return;
    const sweeper = setInterval(() => {
      const now = Date.now();
      for (const exchange of l.reading) exchange.expire(now);
      if (l.reading.size === 0 && l.sweeper === sweeper) {
        clearInterval(sweeper);
        l.sweeper = undefined;
      }
    }, sweepEvery(l.bodyTimeoutMs));
    (sweeper as unknown as { unref?: () => void }).unref?.();
    l.sweeper = sweeper;
  }

  /** Refuses the body (408) once it has taken longer than the body timeout. */
  expire(now: number): void {
    if (this.done) this.l.reading.delete(this);
    else if (now - this.startedAt >= this.l.bodyTimeoutMs) this.refuse(408, { _tag: "BodyTimeout", timeoutMs: this.l.bodyTimeoutMs, received: this.total }, 0);
  }

  private data(chunk: Uint8Array): void {
    if (this.done) return;
    let size = -1;
    try {
      size = chunk instanceof Uint8Array ? chunk.byteLength : -1;
    } catch {
      // Read as not bytes below.
    }
    if (size < 0) return this.refuse(400, { _tag: "BodyUnreadable", reason: "failed", message: "The request stream gave something other than bytes" }, 0);
    this.total += size;
    if (this.total > this.l.maxBodyBytes) {
      this.chunks.length = 0;
      try {
        this.req.pause?.();
      } catch {
        // Refused below either way.
      }
      return this.refuse(413, { _tag: "BodyTooLarge", limit: this.l.maxBodyBytes, received: this.total }, this.l.lingerMs);
    }
    this.chunks.push(chunk);
  }

  private end(): void {
    if (this.done) return;
    const only = this.chunks.length === 1 ? this.chunks[0] : undefined;
    // One chunk (the usual delivery) is used as it is: the stream handed it over and keeps no use of it.
    this.forward(only !== undefined && only.buffer instanceof ArrayBuffer ? (only as Uint8Array<ArrayBuffer>) : concat(this.chunks, this.total));
  }

  private close(): void {
    try {
      this.req.destroy?.();
    } catch {
      // Already closed.
    }
  }

  /** Writes the answer, once. */
  answer(status: number, headers?: readonly (readonly [string, string])[], body?: Uint8Array): void {
    if (this.answered) return;
    this.answered = true;
    const res = this.res;
    try {
      if (res.headersSent) return void res.end();
      res.statusCode = status;
      if (headers !== undefined) for (const [k, v] of headers) res.setHeader(k, v);
      res.end(body);
    } catch {
      this.close();
    }
  }

  /**
   * Refuses the request: stop reading (the socket is paused, so the client is held by TCP flow
   * control), answer, and close the connection after `lingerFor` ms. Closing a socket with
   * unread bytes resets it, so the pause gives the client time to read the answer first.
   */
  private refuse(status: number, problem: WebhookHandlerProblem, lingerFor: number): void {
    if (this.done) return;
    this.settle();
    this.l.report(problem);
    try {
      this.req.removeAllListeners?.("data");
      this.req.pause?.();
    } catch {
      // Nothing more to read.
    }
    this.answer(status);
    if (lingerFor <= 0) return this.close();
    const linger = setTimeout(() => this.close(), lingerFor) as unknown as { unref?: () => void };
    linger.unref?.();
  }

  private settle(): void {
    this.done = true;
    this.chunks = [];
    this.l.reading.delete(this);
  }

  private forward(body: Uint8Array<ArrayBuffer>): void {
    if (this.done) return;
    this.settle();
    const core = this.l.core;
    if (core !== undefined) return this.direct(core, body);
    toRequest(this.req, body)
      .then((request) => this.l.handler(request))
      .then(async (response) => {
        const bytes = new Uint8Array(await response.arrayBuffer());
        const headers: [string, string][] = [];
        response.headers.forEach((value, name) => void headers.push([name, value]));
        this.answer(response.status, headers, bytes.byteLength === 0 ? undefined : bytes);
      })
      .catch((cause: unknown) => {
        this.l.report({ _tag: "Unexpected", message: describeCause(cause, noSecrets) });
        this.answer(500);
      });
  }

  /**
   * A handler made by `createWebhookHandler`: its core gets the raw bytes and answers with a
   * status, with no Fetch `Request` or `Response` built in between (same checks, same order).
   */
  private direct(core: HandlerSettings, body: Uint8Array<ArrayBuffer>): void {
    try {
      const method = methodOf(this.req.method);
      if (method === "GET") {
        const { status, challenge } = core.handshake(queryOf(this.req.url));
        return challenge === undefined ? this.answer(status) : this.answer(200, [["content-type", "text/plain"]], encoder.encode(challenge));
      }
      if (method !== "POST") return this.answer(405, [["allow", "GET, POST"]]);
      core.deliver(body, headerOf(this.req.headers["x-hub-signature-256"]), (status) => this.answer(status));
    } catch (cause) {
      this.l.report({ _tag: "Unexpected", message: describeCause(cause, noSecrets) });
      this.answer(500);
    }
  }
}

const encoder = new TextEncoder();

/** What to change when something read the body before the adapter. */
function consumedMessage(what: string): string {
  return `The webhook body could not be read: ${what}, and the signature can only be checked over the raw bytes. In Express, give this route the raw body before any express.json(): app.post("/webhook", express.raw({ type: "application/json" }), toNodeListener(handler)), or mount it before the body parsers.`;
}

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
