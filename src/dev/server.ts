/**
 * `wacall dev`: the fake Calling API and its web console on one loopback port. The Graph paths
 * (`/v23.0/{phone-number-id}/calls`, …) go to the fake, exactly as in the tests; `/` is the
 * console's page and `/_dev/*` its own API, with live updates as server-sent events.
 *
 * One port, because the app and the person share one URL to start, forward and remember, and the
 * page is same-origin with what it inspects; the two sets of paths never meet.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { err, ok, type Result } from "neverthrow";
import { createFakeCore, type FakeCore } from "../testing/fake/core.js";
import type { FakeLimits } from "../testing/fake/types.js";
import { applyAction, catalogCodes, parseAction, terminateFailures, transportFaults } from "./actions.js";
import { pageHtml } from "./page.js";
import { pageScript } from "./script.js";
import { snapshotOf } from "./snapshot.js";
import { redactDeep } from "../internal/redact.js";
import { createTimelineBuilder, type TimelineEntry } from "./timeline.js";

/** Options of {@link startDevConsole}. */
export interface DevConsoleOptions {
  /** Where the fake sends its signed webhooks: the app's webhook endpoint and its app secret. */
  readonly webhook: { readonly url: string; readonly appSecret: string };
  /** @default 4010 (0: a free port) */
  readonly port?: number;
  /** The token the app's client must send. @default "wacall-dev-token" */
  readonly accessToken?: string;
  /** @default "1234567890" */
  readonly phoneNumberId?: string;
  readonly limits?: FakeLimits;
  /** Delays before each redelivery of a webhook the app did not answer 2xx. @default [1000, 5000, 15000, 60000] */
  readonly redeliverAfterMs?: readonly number[];
}

/** The running console. */
export interface DevConsole {
  /** `http://127.0.0.1:<port>`: the client's `baseUrl`, and the console's page. */
  readonly url: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
  /** The fake behind it (the same controls as `startFakeCallingApi`'s). */
  readonly core: FakeCore;
  close(): Promise<void>;
}

/** Why the console could not start. */
export type DevStartError = { readonly _tag: "PortInUse"; readonly port: number } | { readonly _tag: "ListenFailed"; readonly message: string };

/** Most timeline entries kept (the page shows the newest). */
const TIMELINE_LIMIT = 500;
/** Most requests (and webhook deliveries) the fake keeps in its record while the console runs. */
const REQUEST_LIMIT = 1000;
/** Largest action body read from the page. */
const ACTION_LIMIT = 128 * 1024;
/** Most pages listening at once. */
const CLIENT_LIMIT = 32;
/** Most bytes queued for one page that is not reading its event stream; past it the page is dropped (it reconnects and gets the whole timeline again). */
const BACKLOG_LIMIT = 1024 * 1024;
/**
 * Longest the page waits for an action: an action that sends a webhook waits for the app's
 * answer, and an app that never answers must not leave the page's request open forever (the
 * attempt still shows on the timeline when it ends).
 */
const ACTION_WAIT_MS = 3_000;

/**
 * The webhook URL as shown (printed, or sent to the page): without credentials or query, either of
 * which could hold a secret (`http://user:pass@host/x?token=…`).
 */
export function shownWebhookUrl(webhook: string): string {
  if (!URL.canParse(webhook)) return "(not a URL)";
  const url = new URL(webhook);
  return `${url.protocol}//${url.host}${url.pathname}${url.search === "" ? "" : "?…"}`;
}

/**
 * Starts the fake Calling API and its console on `127.0.0.1`.
 *
 * @example
 * const started = await startDevConsole({ webhook: { url: "http://127.0.0.1:3000/webhook", appSecret }, port: 4010 });
 * if (started.isOk()) console.log(`console at ${started.value.url}/`);
 */
export async function startDevConsole(options: DevConsoleOptions): Promise<Result<DevConsole, DevStartError>> {
  const accessToken = options.accessToken ?? "wacall-dev-token";
  const timeline = createTimelineBuilder([accessToken, options.webhook.appSecret]);
  const entries: TimelineEntry[] = [];
  const clients = new Set<ServerResponse>();
  const users = new Set<string>();
  const pendingRequests = new Set<string>();
  let stateTimer: ReturnType<typeof setTimeout> | undefined;

  /** Writes to one page, or drops it when it has stopped reading (memory stays bounded). */
  const send = (c: ServerResponse, frame: string) => {
    if (c.writableLength > BACKLOG_LIMIT) {
      clients.delete(c);
      c.destroy();
    } else c.write(frame);
  };
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of clients) send(c, frame);
  };
  const snapshot = () => {
    const s = snapshotOf(core, users, pendingRequests, Date.now());
    // The app writes the settings (any keys, SIP passwords among them): shown redacted.
    return { ...s, settings: redactDeep(s.settings, timeline.scrub) };
  };
  const stateChanged = () => {
    if (stateTimer !== undefined) return;
    stateTimer = setTimeout(() => {
      stateTimer = undefined;
      broadcast("state", snapshot());
    }, 20);
  };
  const add = (e: TimelineEntry) => {
    entries.push(e);
    if (entries.length > TIMELINE_LIMIT) entries.splice(0, entries.length - TIMELINE_LIMIT);
    broadcast("entry", e);
    stateChanged();
  };

  const core: FakeCore = createFakeCore(
    {
      accessToken,
      ...(options.phoneNumberId !== undefined && { phoneNumberId: options.phoneNumberId }),
      ...(options.limits !== undefined && { limits: options.limits }),
      webhook: options.webhook,
    },
    {
      onExchange: (x) => {
        const body = x.request.body;
        const to = typeof body === "object" && body !== null && "to" in body && typeof body.to === "string" ? body.to : undefined;
        if (x.request.operation === "send_call_permission_request" && x.answer?.status === 200 && to !== undefined) pendingRequests.add(to);
        if (to !== undefined && /^[0-9]{5,20}$/.test(to) && users.size < 200) users.add(to);
        if (core.requests.length > REQUEST_LIMIT) core.requests.splice(0, core.requests.length - REQUEST_LIMIT);
        add(timeline.request(x));
      },
      onWebhook: (a) => {
        if (core.outbox.sent.length > REQUEST_LIMIT) core.outbox.sent.splice(0, core.outbox.sent.length - REQUEST_LIMIT);
        add(timeline.webhook(a));
      },
    },
    { redeliverAfterMs: options.redeliverAfterMs ?? [1000, 5000, 15000, 60000] },
  );

  const hostOk = (req: IncomingMessage, port: number) => {
    const host = req.headers.host;
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  };

  function consoleRoute(req: IncomingMessage, res: ServerResponse, path: string, port: number): void {
    // Only this machine's browser, by name (DNS rebinding), and JSON posts only (a page elsewhere
    // cannot send them without a preflight this server never answers).
    if (!hostOk(req, port)) {
      res.writeHead(421, { "content-type": "text/plain" }).end("wrong host");
      return;
    }
    const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
    if (req.method === "GET" && path === "/") {
      res.writeHead(200, { ...headers, "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'" }).end(pageHtml);
      return;
    }
    if (path === "/favicon.ico") {
      res.writeHead(204, headers).end();
      return;
    }
    if (req.method === "GET" && path === "/_dev/console.js") {
      res.writeHead(200, { ...headers, "content-type": "text/javascript; charset=utf-8" }).end(pageScript);
      return;
    }
    if (req.method === "GET" && path === "/_dev/events") {
      if (clients.size >= CLIENT_LIMIT) {
        res.writeHead(503, headers).end();
        return;
      }
      res.writeHead(200, { ...headers, "content-type": "text/event-stream", connection: "keep-alive" });
      clients.add(res);
      res.on("close", () => clients.delete(res));
      res.write(`event: hello\ndata: ${JSON.stringify({ accessToken, phoneNumberId: core.api.phoneNumberId, terminateFailures, transportFaults, catalogCodes, webhookUrl: shownWebhookUrl(options.webhook.url) })}\n\n`);
      res.write(`event: state\ndata: ${JSON.stringify(snapshot())}\n\n`);
      // The newest entries that fit half the backlog a page may have queued (500 entries of large
      // bodies would otherwise queue tens of MB for each page that connects).
      const replay: string[] = [];
      let bytes = 0;
      for (let i = entries.length - 1; i >= 0; i--) {
        const frame = `event: entry\ndata: ${JSON.stringify(entries[i])}\n\n`;
        bytes += frame.length;
        if (bytes > BACKLOG_LIMIT / 2) break;
        replay.push(frame);
      }
      for (let i = replay.length - 1; i >= 0; i--) res.write(replay[i] ?? "");
      return;
    }
    if (req.method === "GET" && path === "/_dev/session") {
      // The user's phone needs the other side's SDP to set up media.
      const id = new URL(req.url ?? "/", "http://127.0.0.1").searchParams.get("call") ?? "";
      res.writeHead(200, { ...headers, "content-type": "application/json" }).end(JSON.stringify(core.state.sessions.get(id) ?? {}));
      return;
    }
    if (req.method === "POST" && path === "/_dev/action") {
      if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
        res.writeHead(415, headers).end();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > ACTION_LIMIT) req.destroy();
        else chunks.push(c);
      });
      req.on("end", () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          parsed = undefined;
        }
        const action = parseAction(parsed);
        if (typeof action === "string") {
          res.writeHead(400, { ...headers, "content-type": "application/json" }).end(JSON.stringify({ error: action }));
          return;
        }
        if (action.action === "reply-permission" || action.action === "revoke-permission") pendingRequests.delete(action.user);
        let answered = false;
        const answer = (status: number, body?: unknown) => {
          if (answered) return;
          answered = true;
          clearTimeout(waiting);
          if (body === undefined) res.writeHead(status, headers).end();
          else res.writeHead(status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(body));
        };
        const waiting = setTimeout(() => answer(200, { ok: true, webhookPending: true }), ACTION_WAIT_MS);
        applyAction(core, users, action).then(
          (done) => {
            add(timeline.action(Date.now(), done.text));
            answer(200, { ok: true, ...(done.callId !== undefined && { callId: done.callId }) });
          },
          () => answer(500),
        );
      });
      return;
    }
    res.writeHead(404, headers).end();
  }

  const sockets = new Set<Socket>();
  let port = 0;
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    // A request target the URL parser refuses (`http://[`, `//x:99999/`) is answered here: the
    // fake's listener parses it, and an exception there would end the process.
    if (!URL.canParse(req.url ?? "/", "http://127.0.0.1")) res.writeHead(400, { "content-type": "text/plain" }).end("bad request target");
    else if (path === "/" || path === "/favicon.ico" || path.startsWith("/_dev/")) consoleRoute(req, res, path, port);
    else core.listener(req, res);
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const wanted = options.port ?? 4010;
  const listening = await new Promise<Result<number, DevStartError>>((resolve) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      resolve(err(e.code === "EADDRINUSE" ? { _tag: "PortInUse", port: wanted } : { _tag: "ListenFailed", message: String(e.code ?? "listen failed") })),
    );
    server.listen(wanted, "127.0.0.1", () => resolve(ok((server.address() as AddressInfo).port)));
  });
  if (listening.isErr()) return err(listening.error);
  port = listening.value;
  const heartbeat = setInterval(() => {
    for (const c of clients) send(c, ": keep-alive\n\n");
  }, 15_000);
  heartbeat.unref();

  return ok({
    url: `http://127.0.0.1:${port}`,
    accessToken,
    phoneNumberId: core.api.phoneNumberId,
    core,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        if (stateTimer !== undefined) clearTimeout(stateTimer);
        core.outbox.close();
        for (const c of clients) c.end();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}
