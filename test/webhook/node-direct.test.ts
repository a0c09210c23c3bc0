/**
 * The node:http path of the webhook handler (raw bytes to the handler's core, no Fetch objects):
 * the same answers and the same events as the Fetch handler, for the cases that path reads itself.
 */
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connectChange, delivery } from "wacall/testing";
import { createWebhookHandler, signBody, toNodeListener, type CallEvent, type WebhookHandlerProblem } from "wacall/webhook";

const SECRET = "node-direct-app-secret";
const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

function endpoint() {
  const events: CallEvent[] = [];
  const problems: WebhookHandlerProblem[] = [];
  const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: (e) => void events.push(e), onError: (p) => void problems.push(p), awaitHandlers: true });
  return { handler, events, problems };
}

async function listen(handler: (request: Request) => Promise<Response>): Promise<number> {
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

/** Sends raw HTTP/1.1 bytes and returns the status line and headers of the answer. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(text));
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    socket.on("close", () => resolve(answer));
    socket.on("error", () => resolve(answer));
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

const body = JSON.stringify(delivery([connectChange({ callId: "wacid.node1", from: "15551230000", to: "15550001111", direction: "USER_INITIATED", timestamp: 1_800_000_000 })]));

describe("the node:http path", () => {
  it("answers the subscription handshake and refuses a wrong verify token", async () => {
    const port = await listen(endpoint().handler);
    const ok = await fetch(`http://127.0.0.1:${port}/webhook?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=4242`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("4242");
    expect((await fetch(`http://127.0.0.1:${port}/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)).status).toBe(403);
  });

  it("answers other methods with 405 and an Allow header", async () => {
    const port = await listen(endpoint().handler);
    const res = await fetch(`http://127.0.0.1:${port}/webhook`, { method: "PUT", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
  });

  it("refuses a repeated signature header even when one of the copies is right", async () => {
    const { handler, events } = endpoint();
    const port = await listen(handler);
    const good = await signBody(body, SECRET);
    const bad = `sha256=${"0".repeat(64)}`;
    const answer = await raw(
      port,
      `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ${bad}\r\nX-Hub-Signature-256: ${good}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 40[13]/);
    expect(events).toEqual([]);
  });

  it("dispatches the same events as the Fetch handler for the same signed bytes", async () => {
    const viaNode = endpoint();
    const viaFetch = endpoint();
    const port = await listen(viaNode.handler);
    const signature = await signBody(body, SECRET);
    const res = await fetch(`http://127.0.0.1:${port}/webhook`, { method: "POST", body, headers: { "x-hub-signature-256": signature } });
    expect(res.status).toBe(200);
    const direct = await viaFetch.handler(new Request("https://example.test/webhook", { method: "POST", body, headers: { "x-hub-signature-256": signature } }));
    expect(direct.status).toBe(200);
    expect(viaNode.events).toHaveLength(1);
    expect(JSON.stringify(viaNode.events)).toBe(JSON.stringify(viaFetch.events));
    expect(viaNode.events[0]).toMatchObject({ _tag: "CallConnect", callId: "wacid.node1" });
  });

  it("a request whose method getter throws is answered, not thrown", async () => {
    const { handler, problems } = endpoint();
    const listener = toNodeListener(handler);
    let status = 0;
    let ended = false;
    const req = {
      get method(): string {
        throw new Error("hostile method");
      },
      url: "/webhook",
      headers: {},
      on: () => req,
      once: () => req,
      resume: () => undefined,
      pause: () => undefined,
      destroy: () => undefined,
    };
    const res = { statusCode: 200, headersSent: false, setHeader: () => undefined, end: () => void (ended = true) };
    expect(() => listener(req as never, new Proxy(res, { set: (t, k, v) => ((k === "statusCode" ? (status = v as number) : 0), Reflect.set(t, k, v)) }) as never)).not.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBe(true);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(problems.map((p) => p._tag)).toContain("Unexpected");
  });
});
