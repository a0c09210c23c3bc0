import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { connectChange, delivery, terminateChange, type Change } from "wacall/testing";
import {
  createWebhookHandler,
  eventKey,
  memoryDedupeStore,
  signBody,
  toNodeListener,
  type CallEvent,
  type WebhookHandlerOptions,
  type WebhookHandlerProblem,
} from "wacall/webhook";

const SECRET = "delivery-app-secret-4f1a9c";
const T = Date.UTC(2026, 10, 25);
const connectA = connectChange({ callId: "wacid.A", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T });
const terminateB = terminateChange({ callId: "wacid.B", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T + 1000, status: "COMPLETED" });
const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

const idOf = (e: CallEvent) => (e._tag === "CallConnect" || e._tag === "CallTerminate" ? e.callId : e._tag === "UnknownChange" ? e.field : e._tag);

/** A handler behind a real node:http server on loopback; `send` posts a signed delivery. */
async function endpoint(extra: Partial<WebhookHandlerOptions>) {
  const handled: string[] = [];
  const problems: WebhookHandlerProblem[] = [];
  const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: (e) => void handled.push(idOf(e)), onError: (p) => void problems.push(p), ...extra });
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  const send = async (changes: readonly Change[]) => {
    const body = JSON.stringify(delivery(changes));
    return (await fetch(url, { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, SECRET) } })).status;
  };
  return { handled, problems, send, handler };
}

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

describe("an event is handled until its handler succeeded", () => {
  it("a failed handler reaches onError with the event, and the redelivery runs it again", async () => {
    let failures = 1;
    const ran: string[] = [];
    const ep = await endpoint({
      onEvent: (e) => {
        ran.push(idOf(e));
        if (idOf(e) === "wacid.A" && failures-- > 0) throw new Error("database down");
      },
    });
    expect(await ep.send([connectA, terminateB])).toBe(200);
    await until(() => ran.length === 2);
    expect(ep.problems).toMatchObject([{ _tag: "HandlerFailed", event: { _tag: "CallConnect", callId: "wacid.A" }, cause: new Error("database down") }]);
    expect(await ep.send([connectA, terminateB])).toBe(200);
    await until(() => ran.length === 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual(["wacid.A", "wacid.B", "wacid.A"]);
  });

  it("awaiting handlers, a failure answers 500 so Meta redelivers; handled events are skipped then", async () => {
    let failures = 1;
    const ran: string[] = [];
    const ep = await endpoint({
      awaitHandlers: true,
      onEvent: async (e) => {
        ran.push(idOf(e));
        if (idOf(e) === "wacid.B" && failures-- > 0) throw new Error("timeout");
      },
    });
    expect(await ep.send([connectA, terminateB])).toBe(500);
    expect(await ep.send([connectA, terminateB])).toBe(200);
    expect(await ep.send([connectA, terminateB])).toBe(200);
    expect(ran).toEqual(["wacid.A", "wacid.B", "wacid.B"]);
    expect(ep.problems.map((p) => p._tag)).toEqual(["HandlerFailed"]);
  });

  it("a concurrent redelivery waits for the first one instead of running the handler twice", async () => {
    const ran: string[] = [];
    const ep = await endpoint({
      awaitHandlers: true,
      onEvent: async (e) => {
        ran.push(idOf(e));
        await new Promise((r) => setTimeout(r, 100));
      },
    });
    expect(await Promise.all([ep.send([connectA]), ep.send([connectA])])).toEqual([200, 200]);
    expect(ran).toEqual(["wacid.A"]);
  });

  it("a legacy firstSeen store is told to forget the key of a failed event", async () => {
    const forgotten: string[] = [];
    const keys = new Set<string>();
    const store = { firstSeen: (k: string) => !keys.has(k) && Boolean(keys.add(k)), forget: (k: string) => void (keys.delete(k), forgotten.push(k)) };
    let failures = 1;
    const ran: string[] = [];
    const ep = await endpoint({
      awaitHandlers: true,
      dedupe: store,
      onEvent: (e) => {
        ran.push(idOf(e));
        if (failures-- > 0) throw new Error("x");
      },
    });
    expect(await ep.send([connectA])).toBe(500);
    expect(await ep.send([connectA])).toBe(200);
    expect(await ep.send([connectA])).toBe(200);
    expect(ran).toEqual(["wacid.A", "wacid.A"]);
    expect(forgotten).toHaveLength(1);
  });
});

describe("one bad item does not take the delivery down", () => {
  it("dispatches the good events and reports the bad one with its JSON path", async () => {
    const ep = await endpoint({ awaitHandlers: true });
    const status = await ep.send([connectA, { field: "calls", value: { calls: [{ event: "terminate", status: "FAILED" }] } }, terminateB]);
    expect(status).toBe(200);
    expect(ep.handled).toEqual(["wacid.A", "wacid.B"]);
    expect(ep.problems).toEqual([{ _tag: "Decode", error: { _tag: "MalformedItem", path: "$.entry[0].changes[1].value.calls[0].id", message: "expected the call id" } }]);
  });
});

describe("dedupe keys", () => {
  const unknown = (value: Record<string, unknown>): Change => ({ field: "account_update", value });
  it("distinct unknown events that share a long prefix are both dispatched", async () => {
    const ep = await endpoint({ awaitHandlers: true });
    const wide = (last: number) => unknown({ items: [...Array.from({ length: 100 }, (_, i) => i), last] });
    let deep: unknown = 1;
    let deeper: unknown = 2;
    for (let i = 0; i < 12; i++) [deep, deeper] = [{ level: deep }, { level: deeper }];
    const long = (tail: string) => unknown({ text: `${"x".repeat(100_000)}${tail}` });
    for (const [a, b] of [[wide(1), wide(2)], [unknown({ deep }), unknown({ deep: deeper })], [long("a"), long("b")]] as const) {
      expect(await ep.send([a])).toBe(200);
      expect(await ep.send([b])).toBe(200);
    }
    expect(ep.handled).toHaveLength(6);
  });

  it("a key is short whatever the size of the event", async () => {
    const ep = await endpoint({ awaitHandlers: true, onEvent: async (e) => void keys.push(await eventKey(e)) });
    const keys: string[] = [];
    await ep.send([unknown({ blob: "y".repeat(100_000) })]);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.length).toBeLessThan(100);
    expect(keys[0]).toMatch(/^UnknownChange:[0-9a-f]{64}$/);
  });

  it("the memory store is bounded in bytes as well as keys", () => {
    const store = memoryDedupeStore({ maxKeys: 1_000_000, maxBytes: 256 * 1024 });
    const key = (i: number) => `${String(i).padStart(8, "0")}${"k".repeat(1_000)}`;
    for (let i = 0; i < 5_000; i++) store.markHandled(key(i));
    expect(store.bytes).toBeLessThanOrEqual(256 * 1024);
    expect(store.size).toBeLessThan(130);
    expect(store.isHandled(key(4_999))).toBe(true);
    expect(store.isHandled(key(0))).toBe(false);
  });
});

describe("bounded body and reported failures (Fetch API)", () => {
  it("stops reading a streamed body at the limit and answers 413", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: () => undefined, onError: (p) => void problems.push(p), maxBodyBytes: 1024 * 1024 });
    let pulled = 0;
    let cancelled = false;
    const chunk = new Uint8Array(64 * 1024);
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += chunk.byteLength;
        if (pulled > 50 * 1024 * 1024) c.close();
        else c.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const res = await handler(new Request("https://example.test/webhook", { method: "POST", body, duplex: "half", headers: { "x-hub-signature-256": `sha256=${"0".repeat(64)}` } } as RequestInit));
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
    expect(cancelled).toBe(true);
    expect(problems).toMatchObject([{ _tag: "BodyTooLarge", limit: 1024 * 1024 }]);
  });

  it("reports an unexpected failure with a tag instead of a silent 400, the app secret scrubbed", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "vt", onEvent: () => undefined, onError: (p) => void problems.push(p) });
    const real = new Request("https://example.test/webhook?hub.mode=subscribe");
    const hostile = new Proxy(real, {
      get(target, key) {
        if (key === "url") throw new Error(`cannot read url (secret ${SECRET})`);
        const v: unknown = Reflect.get(target, key, target);
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const res = await handler(hostile);
    expect(res.status).toBe(500);
    expect(problems).toEqual([{ _tag: "Unexpected", message: expect.stringContaining("cannot read url") }]);
    expect(JSON.stringify(problems)).not.toContain(SECRET);
  });

  it("scrubs the app secret and verify token from events and reports", async () => {
    const events: CallEvent[] = [];
    const ep = await endpoint({ awaitHandlers: true, verifyToken: "verify-token-77", onEvent: (e) => void events.push(e) });
    const leaky = connectChange({ callId: "wacid.L", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T, bizOpaqueCallbackData: `ctx ${SECRET}`, sdp: { type: "offer", sdp: `v=0\r\ns=${SECRET}\r\n` } });
    Object.assign((leaky.value["calls"] as Record<string, unknown>[])[0] ?? {}, { note: `verify-token-77 and ${SECRET}` });
    expect(await ep.send([leaky, { field: "calls", value: { calls: [{ event: "connect", from: SECRET }] } }])).toBe(200);
    expect(events).toHaveLength(1);
    for (const text of [JSON.stringify(events), inspect(events, { depth: null }), JSON.stringify(ep.problems), inspect(ep.problems, { depth: null })]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("verify-token-77");
    }
  });
});
