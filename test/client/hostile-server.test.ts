import { afterEach, describe, expect, it } from "vitest";
import { createCallingClient, settleOutcomeUnknown, type CallingClientOptions } from "wacall/client";
import type { CallEvent } from "wacall/webhook";
import { OFFER, USER } from "./helpers.js";
import { leaks } from "./leaks.js";
import { graphErrorBody, rawServer, respond, streamBody, type RawHandler, type RawServer } from "./raw-server.js";

/** A token that looks nothing like Meta's (no `EAA`): only the exact-secret scrub can catch it. */
const TOKEN = 'Zx9-secret.Value_~+/ab"c\\d=1234567';
const SUCCESS = JSON.stringify({ messaging_product: "whatsapp", calls: [{ id: "wacid.REDIRECTED" }] });
const fast = { timeoutMs: 2_000, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 5_000 }, random: () => 0.5 } as const;

const servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: RawHandler): Promise<RawServer> {
  const s = await rawServer(handler);
  servers.push(s);
  return s;
}

const clientFor = (server: RawServer, extra: Partial<CallingClientOptions> = {}) =>
  createCallingClient({ baseUrl: server.url, accessToken: TOKEN, phoneNumberId: "1", ...fast, ...extra });

describe("redirects are never followed", () => {
  it("connect answered 302 to a path that returns a call id is OutcomeUnknown, and nothing follows the redirect", async () => {
    const server = await serve((req, socket) => {
      if (req.path.endsWith("/calls")) respond(socket, 302, { location: "/v23.0/1/elsewhere" });
      else respond(socket, 200, { "content-type": "application/json" }, SUCCESS);
    });
    const e = (await clientFor(server).connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "r-1" }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "OutcomeUnknown", cause: "redirect", httpStatus: 302, to: USER, bizOpaqueCallbackData: "r-1", attempts: 1 });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v23.0/1/calls"]);
  });

  it("a redirect to another origin is an UnexpectedRedirect; the other origin gets no request", async () => {
    const other = await serve((_req, socket) => respond(socket, 200, { "content-type": "application/json" }, JSON.stringify({ data: [] })));
    const server = await serve((_req, socket) => respond(socket, 307, { location: `${other.url}/steal?access_token=${encodeURIComponent(TOKEN)}` }));
    const e = (await clientFor(server).getCallPermissions({ userWaId: USER }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "UnexpectedRedirect", category: "transport", httpStatus: 307, attempts: 1, retryable: false });
    expect(other.requests).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
    expect(leaks(e, TOKEN)).toEqual([]);
  });
});

describe("response bodies are bounded", () => {
  const FIFTY_MB = 50 * 1024 * 1024;

  it.each([
    ["without Content-Length", false],
    ["with a declared Content-Length", true],
  ])("a 50 MB answer %s stops at maxResponseBytes: ResponseTooLarge, and the rest is never read", async (_name, declare) => {
    let written: Promise<number> = Promise.resolve(0);
    const server = await serve((_req, socket) => {
      written = streamBody(socket, FIFTY_MB, declare);
    });
    global.gc?.();
    const before = process.memoryUsage().rss;
    const e = (await clientFor(server, { maxResponseBytes: 64 * 1024 }).getCallingSettings())._unsafeUnwrapErr();
    const grew = process.memoryUsage().rss - before;
    const sentBytes = await written;
    expect(e).toMatchObject({ _tag: "ResponseTooLarge", category: "transport", limitBytes: 64 * 1024, httpStatus: 200, attempts: 1, retryable: false });
    // The server could push at most what socket buffers hold before the client hung up.
    expect(sentBytes).toBeLessThan(FIFTY_MB / 2);
    expect(grew).toBeLessThan(40 * 1024 * 1024);
    console.log(`oversized body ${declare ? "(declared)" : "(streamed)"}: server wrote ${(sentBytes / 1048576).toFixed(1)} MiB, client RSS grew ${(grew / 1048576).toFixed(1)} MiB`);
  });

  it("an oversized answer to connect is OutcomeUnknown(response-too-large), sent once", async () => {
    const server = await serve((_req, socket) => void streamBody(socket, 4 * 1024 * 1024, false));
    const e = (await clientFor(server).connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "big" }, {}))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "OutcomeUnknown", cause: "response-too-large", bizOpaqueCallbackData: "big", attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });
});

describe("the access token never comes back, whatever its form", () => {
  const echoes: [string, (t: string) => { headers?: Record<string, string>; error: Record<string, unknown> }][] = [
    ["message", (t) => ({ error: { message: `Malformed access token ${t}`, type: "OAuthException", code: 190 } })],
    ["error_data.details", (t) => ({ error: { message: "Invalid parameter", code: 100, error_data: { details: `token was ${t}` } } })],
    ["error_user_msg and error_user_title", (t) => ({ error: { message: "x", code: 190, error_user_msg: `Your token ${t} expired`, error_user_title: t } })],
    ["a percent-encoded echo", (t) => ({ error: { message: `GET /me?x=${encodeURIComponent(t)} failed`, code: 190 } })],
    ["a JSON-escaped echo inside a string", (t) => ({ error: { message: `request was ${JSON.stringify({ auth: t })}`, code: 190 } })],
    ["an unknown field of raw", (t) => ({ error: { message: "x", code: 190, extra: { seen: [t] } } })],
    [
      "WWW-Authenticate (no message in the body)",
      (t) => ({ headers: { "www-authenticate": `Bearer realm="graph", error="invalid_token", token="${t}"` }, error: { code: 190 } }),
    ],
  ];

  it.each(echoes)("echoed in %s", async (_name, echo) => {
    const server = await serve((req, socket) => {
      // Echo exactly what arrived in the Authorization header, as a real server would.
      const token = (req.headers["authorization"] ?? "").replace(/^Bearer /, "");
      const { headers = {}, error } = echo(token);
      respond(socket, 401, { "content-type": "application/json", ...headers }, graphErrorBody(error));
    });
    const result = await clientFor(server).getCallPermissions({ userWaId: USER });
    expect(result.isErr()).toBe(true);
    expect(server.requests[0]?.headers["authorization"]).toBe(`Bearer ${TOKEN}`);
    expect(leaks(result, TOKEN)).toEqual([]);
  });
});

describe("success values do not carry the token either", () => {
  it("settings whose raw fields echo the token come back without it; the other fields are kept", async () => {
    const server = await serve((req, socket) => {
      const token = (req.headers["authorization"] ?? "").replace(/^Bearer /, "");
      const body = { calling: { status: "ENABLED", sip: { status: "DISABLED", note: `configured with ${token}` }, restrictions: { seen: [encodeURIComponent(token)] } } };
      respond(socket, 200, { "content-type": "application/json" }, JSON.stringify(body));
    });
    const settings = (await clientFor(server).getCallingSettings())._unsafeUnwrap();
    expect(settings.status).toBe("ENABLED");
    expect(settings.sip).toMatchObject({ status: "DISABLED" });
    expect(leaks(settings, TOKEN)).toEqual([]);
  });
});

describe("connect is sent again only when the answer proves the call was not placed", () => {
  it.each([
    [1, 500],
    [2, 503],
    [131000, 500],
    [131016, 503],
    [138004, 500],
  ])("code %i (HTTP %i) is OutcomeUnknown(server-error) carrying the decoded error, after exactly one request", async (code, status) => {
    const server = await serve((_req, socket) => respond(socket, status, { "content-type": "application/json" }, graphErrorBody({ message: "Something went wrong", code, is_transient: true })));
    const e = (await clientFor(server).connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: `amb-${code}` }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "OutcomeUnknown", cause: "server-error", httpStatus: status, bizOpaqueCallbackData: `amb-${code}`, attempts: 1 });
    expect((e as { error?: { code?: number } }).error?.code).toBe(code);
    expect(server.requests).toHaveLength(1);
  });

  it.each([4, 17, 613, 80007, 130429, 138002, 138005])("throttling code %i is retried (and the retry succeeds)", async (code) => {
    let n = 0;
    const server = await serve((_req, socket) =>
      n++ === 0
        ? respond(socket, 429, { "content-type": "application/json", "retry-after": "0" }, graphErrorBody({ message: "Too many calls", code }))
        : respond(socket, 200, { "content-type": "application/json" }, SUCCESS),
    );
    const r = await clientFor(server).connect({ to: USER, sdp: OFFER });
    expect(r._unsafeUnwrap()).toBe("wacid.REDIRECTED");
    expect(server.requests).toHaveLength(2);
  });

  it("a definite refusal (138006, HTTP 400) is returned as is, after one request", async () => {
    const server = await serve((_req, socket) => respond(socket, 400, { "content-type": "application/json" }, graphErrorBody({ message: "No permission", code: 138006 })));
    const e = (await clientFor(server).connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "CallPermissionNotFound", attempts: 1 });
  });
});

describe("values that cannot be sent are refused before anything is sent", () => {
  it.each([
    ["a CR/LF in the access token", { accessToken: "abcdefgh\r\nX-Injected: 1secretTail" }, "accessToken"],
    ["a bare LF in the access token", { accessToken: "abcdefgh\nsecretTail99" }, "accessToken"],
    ["a non-ASCII access token", { accessToken: "tökenWithUmlaut123" }, "accessToken"],
    ["an API version that is not one", { apiVersion: "v23.0/../../x" }, "apiVersion"],
    ["a base URL with credentials", { baseUrl: "http://user:pass@127.0.0.1:9" }, "baseUrl"],
  ])("%s → InvalidInput, no connection opened, nothing echoed", async (_name, bad, field) => {
    const server = await serve((_req, socket) => respond(socket, 200, {}, SUCCESS));
    const client = createCallingClient({ baseUrl: server.url, accessToken: TOKEN, phoneNumberId: "1", ...fast, ...bad });
    const e = (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field, attempts: 0 });
    expect(server.connections).toBe(0);
    const text = JSON.stringify(e);
    expect(text).not.toContain("secretTail");
    expect(text).not.toContain("pass@");
  });

  it("a bizOpaqueCallbackData with CR/LF is InvalidInput, nothing sent", async () => {
    const server = await serve((_req, socket) => respond(socket, 200, {}, SUCCESS));
    const e = (await clientFor(server).connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "a\r\nb" }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field: "bizOpaqueCallbackData" });
    expect(server.connections).toBe(0);
  });
});

describe("a connect aborted after it was sent can be settled", () => {
  it("keeps to, bizOpaqueCallbackData and sent: true; settleOutcomeUnknown finds the call", async () => {
    let received!: () => void;
    const got = new Promise<void>((resolve) => (received = resolve));
    const server = await serve(() => received()); // takes the request, never answers
    const controller = new AbortController();
    const pending = clientFor(server).connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "abort-1" }, { signal: controller.signal });
    await got;
    controller.abort(new Error(`user left; token ${TOKEN}`));
    const e = (await pending)._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "Aborted", sent: true, to: USER, bizOpaqueCallbackData: "abort-1", attempts: 1 });
    expect(leaks(e, TOKEN)).toEqual([]);
    if (e._tag !== "Aborted") throw new Error("expected Aborted");
    const status = { _tag: "CallStatus", callId: "wacid.PLACED", status: "RINGING", recipientId: USER, bizOpaqueCallbackData: "abort-1" } as unknown as CallEvent;
    expect(settleOutcomeUnknown(e, [status])._unsafeUnwrap()).toMatchObject({ _tag: "CallPlaced", callId: "wacid.PLACED" });
  });

  it("an abort before anything was sent says sent: false", async () => {
    const server = await serve((_req, socket) => respond(socket, 200, {}, SUCCESS));
    const e = (await clientFor(server).connect({ to: USER, sdp: OFFER }, { signal: AbortSignal.abort("early") }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "Aborted", sent: false, to: USER, attempts: 0 });
    expect(server.connections).toBe(0);
  });
});
