/**
 * The console's server without a browser: what its event stream says (redacted, decoded,
 * redelivered), and what it refuses.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startDevConsole, type DevConsole } from "../../src/dev/server.js";
import type { TimelineEntry } from "../../src/dev/timeline.js";

const appSecret = "server-test-app-secret-41be";
let dev: DevConsole | undefined;
let app: Server | undefined;

afterEach(async () => {
  await dev?.close();
  if (app !== undefined) {
    app.closeAllConnections();
    await new Promise((r) => app?.close(r));
  }
  dev = undefined;
  app = undefined;
});

/** An app endpoint answering each delivery with the next status of `statuses` (then 200). */
async function endpoint(statuses: number[]): Promise<string> {
  app = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(statuses.shift() ?? 200).end());
  });
  await new Promise<void>((r) => app?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhook`;
}

async function start(webhook: string, redeliverAfterMs: number[] = [50]): Promise<DevConsole> {
  const started = await startDevConsole({ webhook: { url: webhook, appSecret }, port: 0, redeliverAfterMs });
  if (started.isErr()) throw new Error(started.error._tag);
  dev = started.value;
  return dev;
}

/** Reads the console's event stream until `done` holds for the entries seen (at most 5 s). */
async function entriesUntil(d: DevConsole, done: (entries: TimelineEntry[]) => boolean): Promise<{ entries: TimelineEntry[]; raw: string }> {
  const controller = new AbortController();
  const res = await fetch(`${d.url}/_dev/events`, { signal: controller.signal });
  const reader = res.body?.getReader();
  const entries: TimelineEntry[] = [];
  let raw = "";
  const deadline = Date.now() + 5_000;
  while (reader !== undefined && !done(entries) && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(r, 200))]);
    if (chunk === undefined || chunk.done === true) continue;
    raw += new TextDecoder().decode(chunk.value);
    entries.length = 0;
    for (const m of raw.matchAll(/event: entry\ndata: (.*)\n\n/g)) entries.push(JSON.parse(m[1] ?? "null") as TimelineEntry);
  }
  controller.abort();
  return { entries, raw };
}

const post = (d: DevConsole, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(`${d.url}/_dev/action`, { method: "POST", headers, body: JSON.stringify(body) });

describe("the console's server", () => {
  it("redelivers a webhook the app answered 500, Meta-style, and the timeline shows both attempts", async () => {
    const d = await start(await endpoint([500]));
    expect((await post(d, { action: "reply-permission", user: "15551230001", response: "accept", permanent: false })).status).toBe(200);
    const { entries } = await entriesUntil(d, (es) => es.some((e) => e.kind === "webhook" && e.attempt === 2));
    const attempts = entries.filter((e) => e.kind === "webhook");
    expect(attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 500, summary: "permission reply accept", retryAt: expect.any(Number) }),
      expect.objectContaining({ attempt: 2, status: 200, summary: "permission reply accept" }),
    ]);
  });

  it("shows bodies without the token, the app secret or ICE credentials, and decodes errors", async () => {
    const d = await start(await endpoint([]));
    const token = d.accessToken;
    const sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=ice-ufrag:F7gI\r\na=ice-pwd:x9cml2yVbPq7rEZs8bDd3mUa\r\n";
    await fetch(`${d.url}/v23.0/${d.phoneNumberId}/calls`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ messaging_product: "whatsapp", to: "15551230009", action: "connect", session: { sdp_type: "offer", sdp }, biz_opaque_callback_data: `${token} ${appSecret}` }),
    });
    await fetch(`${d.url}/v23.0/${d.phoneNumberId}/settings`, { headers: { authorization: "Bearer wrong-token-123" } });
    const { entries, raw } = await entriesUntil(d, (es) => es.filter((e) => e.kind === "request").length >= 2);
    const [connect, settings] = entries.filter((e) => e.kind === "request");
    expect(connect).toMatchObject({ operation: "connect", error: { tag: "CallPermissionNotFound", code: 138006, category: "permission", advice: "after-permission" } });
    expect(settings).toMatchObject({ operation: "get_settings", status: 401, error: { tag: "AccessTokenInvalid", code: 190, category: "authorization", retryable: false } });
    expect(raw).not.toContain(appSecret);
    expect(raw).not.toContain("x9cml2yVbPq7rEZs8bDd3mUa");
    expect(raw.replaceAll(`"accessToken":"${token}"`, "")).not.toContain(token);
  });

  it("refuses other hosts, form posts, unknown actions and oversized bodies", async () => {
    const d = await start(await endpoint([]));
    const port = new URL(d.url).port;
    const status = await new Promise<number>((resolve) => {
      request({ host: "127.0.0.1", port, path: "/", headers: { host: `evil.example:${port}` } }, (res) => resolve(res.statusCode ?? 0)).end();
    });
    expect(status).toBe(421);
    expect((await post(d, { action: "clear-faults" }, { "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
    const bad = await post(d, { action: "hang-up" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "callId is required" });
    expect((await post(d, { action: "add-user", user: "<script>" })).status).toBe(400);
    expect((await post(d, { action: "fault", fault: { kind: "explode" } })).status).toBe(400);
    await expect(post(d, { action: "add-user", user: "1".repeat(200_000) })).rejects.toThrow();
    // Still serving afterwards.
    expect((await post(d, { action: "add-user", user: "15551230002" })).status).toBe(200);
  });

  it("runs the page's actions through the fake's rules: a refused permission, a scripted fault, a limit", async () => {
    const d = await start(await endpoint([]));
    await post(d, { action: "fault", fault: { kind: "error", code: 131044 }, operation: "get_settings" });
    const failed = await fetch(`${d.url}/v23.0/${d.phoneNumberId}/settings`, { headers: { authorization: `Bearer ${d.accessToken}` } });
    expect(((await failed.json()) as { error: { code: number } }).error.code).toBe(131044);
    await post(d, { action: "limits", limits: { concurrentCalls: 0 } });
    expect(d.core.state.limits.concurrentCalls).toBe(0);
    await post(d, { action: "reply-permission", user: "15551230003", response: "reject", permanent: false });
    expect(d.core.state.permissions.has("15551230003")).toBe(false);
  });
});
