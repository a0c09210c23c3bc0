/**
 * The console's server against a hostile user: request targets the URL parser refuses, secrets in
 * the webhook URL and in the app's settings, an app endpoint that never answers, a page that stops
 * reading its event stream.
 */
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startDevConsole, type DevConsole } from "../../src/dev/server.js";

const appSecret = "hostile-test-app-secret-7c2e";
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

/** An app endpoint: answers 200, or never answers when `hang`. */
async function endpoint(hang = false): Promise<string> {
  app = createServer((req, res) => {
    req.resume();
    if (!hang) req.on("end", () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => app?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhook`;
}

async function start(webhook: string): Promise<DevConsole> {
  const started = await startDevConsole({ webhook: { url: webhook, appSecret }, port: 0, redeliverAfterMs: [] });
  if (started.isErr()) throw new Error(started.error._tag);
  dev = started.value;
  return dev;
}

/** The raw event stream for `ms`. */
async function streamFor(d: DevConsole, ms: number): Promise<string> {
  const controller = new AbortController();
  const res = await fetch(`${d.url}/_dev/events`, { signal: controller.signal });
  const reader = res.body?.getReader();
  let raw = "";
  const deadline = Date.now() + ms;
  while (reader !== undefined && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(r, 100))]);
    if (chunk !== undefined && chunk.done !== true) raw += new TextDecoder().decode(chunk.value);
  }
  controller.abort();
  return raw;
}

/** Sends `text` on a raw connection; what came back within 1 s. */
const raw = (port: number, text: string) =>
  new Promise<string>((resolve) => {
    let out = "";
    const s = connect(port, "127.0.0.1", () => s.write(text));
    const t = setTimeout(() => s.destroy(), 1_000);
    s.on("data", (c: Buffer) => (out += c.toString("latin1")));
    s.on("error", () => undefined);
    s.on("close", () => {
      clearTimeout(t);
      resolve(out);
    });
  });

const post = (d: DevConsole, body: unknown) => fetch(`${d.url}/_dev/action`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("the console's server, attacked", () => {
  it("answers 400 to request targets the URL parser refuses, and keeps serving", async () => {
    const d = await start(await endpoint());
    const port = Number(new URL(d.url).port);
    for (const target of ["http://[", "http://a:b@[::1", "//x:99999/"]) {
      expect(await raw(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    }
    expect((await post(d, { action: "add-user", user: "15551230002" })).status).toBe(200);
  });

  it("never shows the webhook URL's credentials or query on the event stream", async () => {
    const base = await endpoint();
    const d = await start(base.replace("http://", "http://user:hunter2passWord@") + "?token=QuerySecretValue123&sig=zzSignatureValue99");
    const stream = await streamFor(d, 300);
    expect(stream).toContain("event: hello");
    for (const needle of ["hunter2passWord", "QuerySecretValue123", "zzSignatureValue99", appSecret]) expect(stream).not.toContain(needle);
  });

  it("redacts the settings the app wrote before they reach the snapshot", async () => {
    const d = await start(await endpoint());
    const calling = {
      status: "ENABLED",
      note: `${appSecret} access_token=${d.accessToken}`,
      sip: { status: "ENABLED", servers: [{ hostname: "sip.example.com", sip_user_password: "SipPasswordValue12345" }] },
      sdp: "v=0\r\na=ice-ufrag:UfragValue8\r\na=ice-pwd:IcePwdValueAbcdefghij12\r\n",
    };
    const res = await fetch(`${d.url}/v23.0/${d.phoneNumberId}/settings`, {
      method: "POST",
      headers: { authorization: `Bearer ${d.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ calling }),
    });
    expect(res.status).toBe(200);
    const stream = (await streamFor(d, 300)).replaceAll(`"accessToken":"${d.accessToken}"`, "");
    expect(stream).toContain("sip.example.com");
    for (const needle of [appSecret, d.accessToken, "SipPasswordValue12345", "IcePwdValueAbcdefghij12", "UfragValue8"]) expect(stream).not.toContain(needle);
  });

  it("answers the page's action even when the app's webhook endpoint never answers", async () => {
    const d = await start(await endpoint(true));
    const started = Date.now();
    const res = await Promise.race([post(d, { action: "reply-permission", user: "15551230001", response: "accept", permanent: false }), new Promise<undefined>((r) => setTimeout(r, 6_000))]);
    expect(res?.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(6_000);
  }, 10_000);

  it("drops a page that stops reading its event stream instead of buffering for it without bound", async () => {
    const d = await start(await endpoint());
    const port = Number(new URL(d.url).port);
    const stalled = connect(port, "127.0.0.1", () => stalled.write(`GET /_dev/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    stalled.on("error", () => undefined);
    stalled.pause();
    const closed = new Promise<boolean>((r) => stalled.on("close", () => r(true)));
    await new Promise((r) => setTimeout(r, 100));
    // About 20 MB of timeline for a reader that reads nothing: more than the kernel's buffers hold.
    const fields = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, "x".repeat(8_000)]));
    for (let batch = 0; batch < 15; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`${d.url}/v23.0/${d.phoneNumberId}/calls`, { method: "POST", headers: { authorization: `Bearer ${d.accessToken}`, "content-type": "application/json" }, body: JSON.stringify(fields) }).then((r) => r.arrayBuffer()),
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 100));
    stalled.resume();
    const dropped = await Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
    stalled.destroy();
    expect(dropped).toBe(true);
    // A page that reads still gets its stream, the newest entries first in line, bounded.
    const replay = await streamFor(d, 500);
    expect(replay).toContain("event: hello");
    expect(replay).toContain("event: entry");
    expect(replay.length).toBeLessThan(1024 * 1024);
  }, 20_000);
});
