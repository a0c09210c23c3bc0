import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connectChange, delivery } from "wacall/testing";
import { createWebhookHandler, signBody, toNodeListener, type WebhookHandlerProblem } from "wacall/webhook";

const SECRET = "node-limits-app-secret";
const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

interface Streamed {
  readonly status: number | undefined;
  readonly sent: number;
  readonly error: string | undefined;
}

/** POSTs `total` bytes in chunks (respecting backpressure) and reports the answer, if any. */
function streamBody(port: number, total: number, chunkSize = 64 * 1024): Promise<Streamed> {
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | undefined;
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      resolve({ status, sent, error: error?.message });
    };
    const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/webhook", headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${"0".repeat(64)}` } });
    req.on("response", (res) => {
      status = res.statusCode;
      res.resume();
      res.on("end", () => finish());
      res.on("error", () => finish());
    });
    req.on("error", (e) => (status === undefined ? finish(e) : finish()));
    req.on("close", () => setTimeout(() => finish(), 50));
    const chunk = Buffer.alloc(chunkSize, 0x20);
    const pump = () => {
      while (sent < total && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

function sampleRss(): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

const MiB = 1024 * 1024;

describe("toNodeListener under hostile clients (real node:http on 127.0.0.1)", () => {
  it("refuses a 50 MB body with 413 while reading it, without buffering it", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: () => undefined, onError: (p) => void problems.push(p) });
    const port = await listen(toNodeListener(handler));
    const before = process.memoryUsage.rss();
    const rss = sampleRss();
    const result = await streamBody(port, 50 * MiB);
    const peak = rss.stop();
    const growth = (peak - before) / MiB;
    console.info(`50 MB body: status ${result.status}, client wrote ${(result.sent / MiB).toFixed(1)} MiB, RSS growth ${growth.toFixed(1)} MiB`);
    expect(result.status).toBe(413);
    expect(problems).toContainEqual({ _tag: "BodyTooLarge", limit: 3 * MiB, received: expect.any(Number) });
    // Buffering the body whole costs several times its size; reading stops at the 3 MiB limit.
    expect(growth).toBeLessThan(40);
  });

  it("refuses at once a body whose Content-Length is over the limit", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: () => undefined, onError: (p) => void problems.push(p), maxBodyBytes: 1024 });
    const port = await listen(toNodeListener(handler));
    const res = await fetch(`http://127.0.0.1:${port}/webhook`, { method: "POST", body: "x".repeat(4096) });
    expect(res.status).toBe(413);
    expect(problems.map((p) => p._tag)).toEqual(["BodyTooLarge"]);
  });

  it("closes slow-loris bodies (a byte a second) within the body timeout", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: () => undefined, onError: (p) => void problems.push(p) });
    const bodyTimeoutMs = 1_000;
    const port = await listen(toNodeListener(handler, { bodyTimeoutMs }));
    const connections = 50;
    const started = Date.now();
    const sockets: Socket[] = [];
    const closedAt: number[] = [];
    const ticks: ReturnType<typeof setInterval>[] = [];
    await Promise.all(
      Array.from({ length: connections }, () =>
        new Promise<void>((resolve) => {
          const socket = connect(port, "127.0.0.1", () => {
            socket.write("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
            ticks.push(setInterval(() => socket.writable && socket.write("{"), 1_000));
            resolve();
          });
          socket.on("error", () => undefined);
          socket.on("close", () => closedAt.push(Date.now() - started));
          socket.resume();
          sockets.push(socket);
        }),
      ),
    );
    // Wait at most twice the timeout (bounded), then end the test either way.
    const deadline = Date.now() + 2 * bodyTimeoutMs + 1_000;
    while (closedAt.length < connections && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    for (const t of ticks) clearInterval(t);
    for (const s of sockets) s.destroy();
    const slowest = Math.max(...closedAt);
    console.info(`slow-loris: ${closedAt.length}/${connections} connections closed by the server, slowest after ${slowest} ms (timeout ${bodyTimeoutMs} ms)`);
    expect(closedAt.length).toBe(connections);
    expect(slowest).toBeLessThan(bodyTimeoutMs + 500);
    expect(problems.filter((p) => p._tag === "BodyTimeout")).toHaveLength(connections);
  });

  it("reports a body already consumed by a body parser instead of failing silently", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: () => undefined, onError: (p) => void problems.push(p) });
    const listener = toNodeListener(handler);
    // What express.json() does: read the stream, then set req.body to the parsed object.
    const port = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        Object.assign(req, { body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
        listener(req, res);
      });
    });
    const body = JSON.stringify(delivery([connectChange({ callId: "wacid.P", from: "1", to: "2", direction: "USER_INITIATED", timestamp: Date.UTC(2026, 0, 1) })]));
    const res = await fetch(`http://127.0.0.1:${port}/webhook`, { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, SECRET) } });
    expect(res.status).toBe(400);
    expect(problems).toEqual([{ _tag: "BodyUnreadable", reason: "consumed", message: expect.stringContaining("body parser") }]);
  });
});
