/**
 * Several worker processes sharing one real redis-server: redelivered webhooks handled exactly
 * once, an OutcomeUnknown settled by another worker's webhook, the governor under concurrent
 * connects from every worker, and a Redis restart in the middle of deliveries.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delivery, startFakeCallingApi, statusChange, terminateChange } from "wacall/testing";
import { signBody } from "wacall/webhook";
import { startRedis, type RedisServer } from "./server.js";

const SECRET = "workers-app-secret";
const WORKERS = 3;

interface Worker {
  readonly child: ChildProcess;
  readonly port: number;
  readonly events: string[];
  /** The next message of `type`. */
  next(type: string, ms?: number): Promise<Record<string, unknown>>;
}

let redis: RedisServer;
let workers: Worker[] = [];

async function startWorker(url: string): Promise<Worker> {
  const child = fork(fileURLToPath(new URL("./worker.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, REDIS_URL: url, APP_SECRET: SECRET },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const events: string[] = [];
  const inbox: Record<string, unknown>[] = [];
  const waiting: { type: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  child.on("message", (m: Record<string, unknown>) => {
    if (m["type"] === "event") events.push(String(m["key"]));
    const w = waiting.findIndex((x) => x.type === m["type"]);
    if (w >= 0) waiting.splice(w, 1)[0]?.resolve(m);
    else inbox.push(m);
  });
  const next = (type: string, ms = 30_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const i = inbox.findIndex((m) => m["type"] === type);
      if (i >= 0) return resolve(inbox.splice(i, 1)[0] as Record<string, unknown>);
      const timer = setTimeout(() => reject(new Error(`worker sent no ${type} within ${ms} ms`)), ms);
      waiting.push({ type, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  const ready = await next("ready", 30_000);
  return { child, port: Number(ready["port"]), events, next };
}

beforeAll(async () => {
  redis = await startRedis();
  workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(redis.url)));
}, 60_000);

afterAll(async () => {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          const force = setTimeout(() => w.child.kill("SIGKILL"), 3_000);
          w.child.once("exit", () => (clearTimeout(force), resolve()));
          w.child.send({ type: "exit" });
        }),
    ),
  );
  await redis?.stop();
}, 20_000);

/** Posts a signed delivery to a worker, as Meta does; the status, or 0 when nothing answered. */
async function post(worker: Worker, text: string, signature: string): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${worker.port}/webhook`, { method: "POST", body: text, headers: { "content-type": "application/json", "x-hub-signature-256": signature } });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Deliveries of `count` calls (a status and a terminate each, some in one delivery, some in two). */
function deliveries(prefix: string, count: number): { text: string; keys: string[] }[] {
  const out: { text: string; keys: string[] }[] = [];
  for (let i = 0; i < count; i++) {
    const callId = `wacid.${prefix}${i}`;
    const ringing = statusChange({ callId, status: "RINGING", recipientId: "15551230000", timestamp: 1_900_000_000_000 + i });
    const ended = terminateChange({ callId, from: "15550009999", to: "15551230000", direction: "BUSINESS_INITIATED", timestamp: 1_900_000_060_000 + i, status: "COMPLETED" });
    const keys = [`CallStatus:${callId}:RINGING`, `CallTerminate:${callId}:COMPLETED`];
    if (i % 2 === 0) out.push({ text: JSON.stringify(delivery([ringing, ended])), keys });
    else out.push({ text: JSON.stringify(delivery([ringing])), keys: [keys[0] as string] }, { text: JSON.stringify(delivery([ended])), keys: [keys[1] as string] });
  }
  return out;
}

const allEvents = () => workers.flatMap((w) => w.events);
const tallyOf = (keys: readonly string[]) => {
  const seen = new Map<string, number>();
  for (const k of allEvents()) seen.set(k, (seen.get(k) ?? 0) + 1);
  return { delivered: keys.filter((k) => (seen.get(k) ?? 0) >= 1).length, duplicates: keys.reduce((n, k) => n + Math.max(0, (seen.get(k) ?? 0) - 1), 0) };
};

describe("several workers on one Redis", () => {
  it("the same deliveries, redelivered to every worker in random order and at once: every event reaches exactly one onEvent", async () => {
    const batch = deliveries("R", 60);
    const copies = batch.flatMap((d) => Array.from({ length: 3 }, () => d));
    copies.sort(() => Math.random() - 0.5);
    const signed = await Promise.all(copies.map(async (d) => ({ d, sig: await signBody(d.text, SECRET) })));
    const statuses = await Promise.all(signed.map(({ d, sig }, i) => post(workers[(i + Math.floor(Math.random() * WORKERS)) % WORKERS]!, d.text, sig)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const keys = batch.flatMap((d) => d.keys);
    const { delivered, duplicates } = tallyOf(keys);
    const failures = await Promise.all(workers.map(async (w) => (w.child.send({ type: "stats" }), Number((await w.next("stats"))["dedupeFailures"]))));
    console.log(`dedupe store failures reported: ${failures.join(", ")}`);
    console.log(`redelivery: ${keys.length} events, ${copies.length} deliveries to ${WORKERS} workers: delivered ${delivered}, duplicates ${duplicates}`);
    expect({ delivered, duplicates }).toEqual({ delivered: keys.length, duplicates: 0 });
    expect(new Set(workers.filter((w) => w.events.length > 0).map((w) => w.port)).size).toBeGreaterThan(1);
  }, 60_000);

  it("an OutcomeUnknown on one worker is settled by the webhook another worker received", async () => {
    const [a, b] = workers as [Worker, Worker];
    const fake = await startFakeCallingApi({ webhook: { url: `http://127.0.0.1:${b.port}/webhook`, appSecret: SECRET } });
    fake.grantPermission("15557654321");
    fake.fault({ kind: "reset-after-processing" }, { operation: "connect" });
    const before = a.events.length;
    a.child.send({ type: "place", baseUrl: fake.url, to: "15557654321", opaque: "ticket-cross" });
    // Once the call exists on the fake, the user lets it ring out.
    let call: string | undefined;
    for (let i = 0; i < 200 && call === undefined; i++) {
      call = fake.calls().find((c) => c.bizOpaqueCallbackData === "ticket-cross")?.id;
      if (call === undefined) await new Promise((r) => setTimeout(r, 25));
    }
    expect(call).toBeDefined();
    await new Promise((r) => setTimeout(r, 200));
    await fake.hangUp(call as string);
    const placed = await a.next("placed", 20_000);
    expect(placed["end"]).toBe("NoAnswer");
    // Worker A received no webhook itself: B did, and the bus brought it over.
    expect(a.events.length).toBe(before);
    expect(fake.webhooks.every((w) => w.status === 200)).toBe(true);
    expect(fake.requests.filter((r) => r.operation === "connect")).toHaveLength(1);
    await fake.close();
  }, 30_000);

  it("concurrent connects from every worker against the fake at Meta's limits: the fake never answers 138002", async () => {
    const fake = await startFakeCallingApi();
    const per = 400;
    const users = (w: number, phase: number) => Array.from({ length: per }, (_, i) => `1555${phase}${String(w).padStart(2, "0")}${String(i).padStart(4, "0")}`);
    for (let w = 0; w < WORKERS; w++) for (const phase of [1, 2]) for (const u of users(w, phase)) fake.grantPermission(u);
    const run = async (phase: number, hangUpShare: number) => {
      workers.forEach((w, i) => w.child.send({ type: "load", baseUrl: fake.url, users: users(i, phase), inFlight: 40, hangUpShare, holdMs: 20 }));
      return (await Promise.all(workers.map((w) => w.next("loaded", 60_000)))).map((m) => m["tally"] as { placed: number; refusedLocally: number; metaConcurrent: number; other: string[]; hungUp: number });
    };
    // Phase 1: 1200 connects, none hung up: exactly 1000 go through.
    const first = await run(1, 0);
    const sum = (t: typeof first, k: "placed" | "refusedLocally" | "metaConcurrent" | "hungUp") => t.reduce((n, x) => n + x[k], 0);
    expect(first.flatMap((t) => t.other)).toEqual([]);
    expect(sum(first, "metaConcurrent")).toBe(0);
    expect(sum(first, "placed")).toBe(1000);
    expect(sum(first, "refusedLocally")).toBe(WORKERS * per - 1000);
    expect(fake.calls()).toHaveLength(1000);
    // Phase 2: at the limit, half of what goes through is hung up at once while the others push.
    for (const c of fake.calls().slice(0, 300)) fake.endCall(c.id);
    // (Ended on the fake without a webhook: the governor still counts them, so nothing more goes through.)
    const second = await run(2, 0.5);
    expect(second.flatMap((t) => t.other)).toEqual([]);
    expect(sum(second, "metaConcurrent")).toBe(0);
    expect(sum(second, "placed")).toBe(sum(second, "hungUp"));
    console.log(`governor: ${WORKERS} workers, ${2 * WORKERS * per} connects; placed ${sum(first, "placed") + sum(second, "placed")}, refused locally ${sum(first, "refusedLocally") + sum(second, "refusedLocally")}, 138002 from the fake ${sum(first, "metaConcurrent") + sum(second, "metaConcurrent")}`);
    await fake.close();
  }, 90_000);

  it("Redis restarted mid-run: the handler answers 5xx, nothing throws, and redelivery once Redis is back loses nothing", async () => {
    const batch = deliveries("X", 20);
    const signed = await Promise.all(batch.map(async (d) => ({ d, sig: await signBody(d.text, SECRET) })));
    await redis.stop();
    const down = await Promise.all(signed.map(({ d, sig }, i) => post(workers[i % WORKERS]!, d.text, sig)));
    expect(down.every((s) => s >= 500)).toBe(true);
    await redis.restart();
    // Meta redelivers what was not answered 200, to any worker, until it is.
    let pending = signed;
    for (let round = 0; round < 50 && pending.length > 0; round++) {
      const statuses = await Promise.all(pending.map(({ d, sig }) => post(workers[Math.floor(Math.random() * WORKERS)]!, d.text, sig)));
      pending = pending.filter((_, i) => statuses[i] !== 200);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pending).toHaveLength(0);
    const keys = batch.flatMap((d) => d.keys);
    const { delivered, duplicates } = tallyOf(keys);
    console.log(`restart: ${keys.length} events, answered ${down.filter((s) => s >= 500).length}/${down.length} with 5xx while down; delivered ${delivered}, duplicates ${duplicates}`);
    expect({ delivered, duplicates }).toEqual({ delivered: keys.length, duplicates: 0 });
    for (const w of workers) {
      w.child.send({ type: "stats" });
      expect((await w.next("stats"))["throwsSeen"]).toBe(0);
    }
  }, 60_000);
});
