import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { connectChange, delivery, terminateChange } from "wacall/testing";
import { createWebhookHandler, memoryDedupeStore, signBody, toNodeListener, type CallEvent, type WebhookHandlerProblem } from "wacall/webhook";

const SECRET = "s3cret";
const T = Date.UTC(2026, 10, 25);
const body = JSON.stringify(
  delivery([
    connectChange({ callId: "wacid.A", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T }),
    terminateChange({ callId: "wacid.A", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T + 1000, status: "COMPLETED" }),
  ]),
);

function setup(extra: Partial<Parameters<typeof createWebhookHandler>[0]> = {}) {
  const events: CallEvent[] = [];
  const problems: WebhookHandlerProblem[] = [];
  const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: (e) => void events.push(e), onError: (p) => void problems.push(p), awaitHandlers: true, ...extra });
  return { handler, events, problems };
}
const post = async (b: string, signature?: string) =>
  new Request("https://example.test/webhook", { method: "POST", body: b, headers: signature === undefined ? {} : { "x-hub-signature-256": signature } });

describe("createWebhookHandler", () => {
  it("answers the handshake", async () => {
    const { handler } = setup();
    const ok = await handler(new Request("https://example.test/webhook?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=777"));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("777");
    expect((await handler(new Request("https://example.test/webhook?hub.mode=subscribe&hub.verify_token=no&hub.challenge=1"))).status).toBe(403);
  });
  it("dispatches each event of a signed delivery once, and drops a redelivery", async () => {
    const { handler, events } = setup();
    const sig = await signBody(body, SECRET);
    expect((await handler(await post(body, sig))).status).toBe(200);
    expect((await handler(await post(body, sig))).status).toBe(200);
    expect(events.map((e) => e._tag)).toEqual(["CallConnect", "CallTerminate"]);
  });
  it("rejects a missing signature with 401 and a wrong one with 403, without a body", async () => {
    const { handler, events, problems } = setup();
    const missing = await handler(await post(body));
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe("");
    const wrong = await handler(await post(body, await signBody(body, "other")));
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toBe("");
    expect(events).toEqual([]);
    expect(problems.map((p) => p._tag)).toEqual(["Signature", "Signature"]);
  });
  it("answers 200 to an authentic but undecodable delivery and reports it", async () => {
    const { handler, problems } = setup();
    const bad = '{"object":"whatsapp_business_account","entry":{}}';
    expect((await handler(await post(bad, await signBody(bad, SECRET)))).status).toBe(200);
    expect(problems).toMatchObject([{ _tag: "Decode", error: { _tag: "MalformedDelivery", path: "$.entry" } }]);
  });
  it("reports a failing onEvent and, awaiting handlers, answers 500 so Meta redelivers; answers other methods with 405", async () => {
    const { handler, problems } = setup({
      onEvent: () => {
        throw new Error("boom");
      },
    });
    expect((await handler(await post(body, await signBody(body, SECRET)))).status).toBe(500);
    expect(problems.map((p) => p._tag)).toEqual(["HandlerFailed", "HandlerFailed"]);
    expect((await handler(new Request("https://example.test/webhook", { method: "PUT" }))).status).toBe(405);
  });
  it("forgets keys after their time-to-live and beyond its size", () => {
    let now = 0;
    const store = memoryDedupeStore({ maxKeys: 2, ttlMs: 100, clock: () => now });
    expect(store.isHandled("a")).toBe(false);
    store.markHandled("a");
    expect(store.isHandled("a")).toBe(true);
    now = 150;
    expect(store.isHandled("a")).toBe(false);
    store.markHandled("a");
    store.markHandled("b");
    store.markHandled("c");
    expect(store.isHandled("a")).toBe(false); // evicted as the oldest
    expect([store.isHandled("b"), store.isHandled("c")]).toEqual([true, true]);
  });
  it("works behind node:http through toNodeListener", async () => {
    const { handler, events } = setup();
    const server = createServer(toNodeListener(handler));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/webhook`, { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, SECRET) } });
    expect(res.status).toBe(200);
    const hs = await fetch(`http://127.0.0.1:${port}/webhook?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=9`);
    expect(await hs.text()).toBe("9");
    await new Promise<void>((r) => server.close(() => r()));
    expect(events).toHaveLength(2);
  });
});
