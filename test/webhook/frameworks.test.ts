/**
 * Webhooks in the hosts people use: real Express 5 and real Hono apps served by node:http on
 * 127.0.0.1, a body a framework read before the handler (reported to onError as
 * BodyUnreadable "consumed", with what to change), and the Workers execution context whose
 * waitUntil keeps onEvent work alive after the answer.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { connectChange, delivery } from "wacall/testing";
import { createWebhookHandler, signBody, toNodeListener, type CallEvent, type WebhookHandlerProblem } from "wacall/webhook";
import { createApp as createExpressApp } from "../../examples/webhook-express.js";
import { createApp as createHonoApp } from "../../examples/webhook-hono.js";

const SECRET = "frameworks-app-secret";
const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Serves a Hono app on node:http: the request as a Fetch Request, the Response written back. */
function honoOnNode(app: Hono): RequestListener {
  return (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const method = req.method ?? "GET";
      const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, { method, headers, ...(method !== "GET" && method !== "HEAD" && { body: Buffer.concat(chunks) }) });
      void Promise.resolve(app.fetch(request)).then(async (response) => {
        res.statusCode = response.status;
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    });
  };
}

let n = 0;
async function signed(): Promise<{ body: string; headers: Record<string, string> }> {
  const body = JSON.stringify(delivery([connectChange({ callId: `wacid.fw${n++}`, from: "15551230000", to: "15550001111", direction: "USER_INITIATED", timestamp: 1_800_000_000 })]));
  return { body, headers: { "content-type": "application/json", "x-hub-signature-256": await signBody(body, SECRET) } };
}

const consumed = (text: string) => ({ _tag: "BodyUnreadable", reason: "consumed", message: expect.stringContaining(text) as unknown });

describe("Express 5", () => {
  it("the example: a signed delivery reaches onEvent through express.raw, and JSON routes still parse", async () => {
    const events: CallEvent[] = [];
    const url = await listen(createExpressApp(SECRET, "vt", (e) => void events.push(e)));
    const { body, headers } = await signed();
    expect((await fetch(`${url}/webhook`, { method: "POST", body, headers })).status).toBe(200);
    expect(events.map((e) => e._tag)).toEqual(["CallConnect"]);
    expect(await (await fetch(`${url}/orders`, { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } })).json()).toEqual({ received: { a: 1 } });
    expect((await fetch(`${url}/webhook?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=77`)).status).toBe(200);
  });

  it("express.json() before the route: 400, and onError says to use express.raw", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const app = express();
    app.use(express.json());
    app.post("/webhook", toNodeListener(createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: () => undefined, onError: (p) => void problems.push(p) })));
    const url = await listen(app);
    const { body, headers } = await signed();
    expect((await fetch(`${url}/webhook`, { method: "POST", body, headers })).status).toBe(400);
    expect(problems).toEqual([consumed('express.raw({ type: "application/json" })')]);
  });

  it("a stream read to its end by an earlier middleware, without req.body: 400 at once, not a body timeout", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const listener = toNodeListener(createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: () => undefined, onError: (p) => void problems.push(p) }), { bodyTimeoutMs: 5_000 });
    const url = await listen((req, res) => {
      req.resume(); // something reads and drops the body
      req.on("end", () => listener(req, res));
    });
    const { body, headers } = await signed();
    const started = Date.now();
    expect((await fetch(`${url}/webhook`, { method: "POST", body, headers })).status).toBe(400);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(problems).toEqual([consumed("already read to its end")]);
  });
});

describe("Hono", () => {
  it("the example: a signed delivery reaches onEvent with the raw request", async () => {
    const events: CallEvent[] = [];
    const url = await listen(honoOnNode(createHonoApp(SECRET, "vt", (e) => void events.push(e))));
    const { body, headers } = await signed();
    expect((await fetch(`${url}/webhook`, { method: "POST", body, headers })).status).toBe(200);
    expect(events.map((e) => e._tag)).toEqual(["CallConnect"]);
  });

  it("c.req.json() before handler(c.req.raw): 400, and onError says to pass the request unread", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: () => undefined, onError: (p) => void problems.push(p) });
    const app = new Hono();
    app.post("/webhook", async (c) => {
      await c.req.json();
      return handler(c.req.raw);
    });
    const url = await listen(honoOnNode(app));
    const { body, headers } = await signed();
    expect((await fetch(`${url}/webhook`, { method: "POST", body, headers })).status).toBe(400);
    expect(problems).toEqual([consumed("c.req.raw")]);
  });
});

function revoked(): object {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}

describe("Workers execution context", () => {
  const request = async () => {
    const { body, headers } = await signed();
    return new Request("http://localhost/webhook", { method: "POST", body, headers });
  };
  const slowHandler = (done: string[]) => async (e: CallEvent) => {
    await new Promise((r) => setTimeout(r, 30));
    done.push(e._tag);
  };

  it("ctx.waitUntil gets the background onEvent work, which settles after onEvent finished", async () => {
    const done: string[] = [];
    const kept: Promise<unknown>[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: slowHandler(done) });
    const ctx = { waitUntil: (p: Promise<unknown>) => void kept.push(p) };
    expect((await handler(await request(), {}, ctx)).status).toBe(200);
    expect(done).toEqual([]); // answered before the handler finished
    expect(kept).toHaveLength(1);
    await kept[0];
    expect(done).toEqual(["CallConnect"]);
  });

  it("the waitUntil option, when no context is passed", async () => {
    const done: string[] = [];
    const kept: Promise<unknown>[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: slowHandler(done), waitUntil: (p) => void kept.push(p) });
    expect((await handler(await request())).status).toBe(200);
    expect(kept).toHaveLength(1);
    await kept[0];
    expect(done).toEqual(["CallConnect"]);
  });

  it("a hostile context never breaks the answer or the event; a failing waitUntil is reported", async () => {
    const hostile: unknown[] = [
      null,
      42,
      { waitUntil: "not a function" },
      { waitUntil: () => { throw new Error("no"); } },
      { get waitUntil(): never { throw new Error("getter"); } },
      new Proxy({}, { get() { throw new Error("trap"); } }),
      revoked(),
    ];
    for (const ctx of hostile) {
      const done: string[] = [];
      const problems: WebhookHandlerProblem[] = [];
      const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: slowHandler(done), onError: (p) => void problems.push(p) });
      const response = await handler(await request(), undefined, ctx as never);
      expect(response.status).toBe(200);
      await new Promise((r) => setTimeout(r, 60));
      expect(done).toEqual(["CallConnect"]);
      expect(problems.every((p) => p._tag === "Unexpected" && p.message.includes("waitUntil"))).toBe(true);
    }
  });
});
