import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { delivery, startFakeCallingApi, statusChange, type FakeCallingApi } from "../../src/testing/index.js";

let fake: FakeCallingApi | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  receiver?.closeAllConnections();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  receiver = undefined;
});

/** Sends raw bytes to the fake and returns the status line of its answer. */
function rawStatusLine(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let text = "";
    socket.on("data", (d) => {
      text += d.toString("latin1");
      if (text.includes("\r\n")) {
        socket.destroy();
        resolve(text.slice(0, text.indexOf("\r\n")));
      }
    });
    socket.on("error", reject);
    socket.setTimeout(5_000, () => reject(new Error("no answer")));
  });
}

describe("the fake Calling API keeps its own memory and time bounded", () => {
  it("answers 400 to a request target the URL parser refuses, and keeps serving", async () => {
    fake = await startFakeCallingApi();
    expect(await rawStatusLine(fake.url, "GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n")).toBe("HTTP/1.1 400 Bad Request");
    const res = await fetch(`${fake.url}/v23.0/${fake.phoneNumberId}/settings`, { headers: { authorization: `Bearer ${fake.accessToken}` } });
    expect(res.status).toBe(200);
  });

  it("refuses a request body over 1 MiB with 413 instead of buffering it", async () => {
    fake = await startFakeCallingApi();
    const res = await fetch(`${fake.url}/v23.0/${fake.phoneNumberId}/calls`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.accessToken}`, "content-type": "application/json" },
      body: `{"pad":"${"x".repeat(2 * 1_048_576)}"}`,
    }).catch(() => undefined);
    expect(res?.status ?? 413).toBe(413);
    expect(fake.requests).toHaveLength(0);
  });

  it("counts a webhook receiver that never answers as no answer (status 0) after its timeout", { timeout: 10_000 }, async () => {
    receiver = createServer(() => undefined); // reads the request, never answers
    await new Promise<void>((r) => receiver?.listen(0, "127.0.0.1", r));
    const { port } = receiver.address() as AddressInfo;
    fake = await startFakeCallingApi({ webhook: { url: `http://127.0.0.1:${port}/`, appSecret: "s3cret-app", timeoutMs: 300 } });
    await fake.sendWebhook(delivery([statusChange({ callId: "wacid.T1", status: "RINGING", recipientId: "15551234567", timestamp: 1_750_000_000 })]));
    await fake.webhooksIdle();
    expect(fake.webhooks.map((w) => w.status)).toEqual([0]);
  });
});
