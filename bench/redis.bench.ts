/**
 * Webhook deliveries per second with the Redis stores (dedupe claims + the event bus) against
 * the in-memory ones, and the limit governor's added latency per `connect` (against the fake
 * Calling API). Needs redis-server on the PATH. Run: `npx tsx bench/redis.bench.ts`.
 */
import os from "node:os";
import { createCallingClient, createCallEventSource, sdpOffer } from "wacall/client";
import { delivery, startFakeCallingApi, statusChange } from "wacall/testing";
import { createWebhookHandler, memoryDedupeStore, signBody } from "wacall/webhook";
import { governed, memoryLimitGovernor, type LimitGovernor } from "../src/limits/index.js";
import { redisDedupeStore, redisEventBus, redisLimitGovernor } from "../src/redis/index.js";
import { connectClient, startRedis } from "../test/redis/server.js";

const SECRET = "bench-secret";
const redis = await startRedis();
const main = await connectClient(redis.url);
const reader = await connectClient(redis.url);

async function signedDeliveries(n: number, tag: string) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const text = JSON.stringify(delivery([statusChange({ callId: `wacid.${tag}${i}`, status: "RINGING", recipientId: "15551230000", timestamp: 1_900_000_000_000 + i })]));
      return { text, sig: await signBody(text, SECRET) };
    }),
  );
}

async function deliveriesPerSecond(label: string, handler: (r: Request) => Promise<Response>, n: number, concurrency: number): Promise<string> {
  const items = await signedDeliveries(n, `${label}${concurrency}`);
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const d = items[next++]!;
        const res = await handler(new Request("http://127.0.0.1/webhook", { method: "POST", body: d.text, headers: { "x-hub-signature-256": d.sig } }));
        if (res.status !== 200) failed++;
      }
    }),
  );
  const s = (performance.now() - started) / 1000;
  return `| ${label} | ${concurrency} | ${Math.round(n / s).toLocaleString("en")} | ${failed} |`;
}

const memorySource = createCallEventSource();
const memoryHandler = createWebhookHandler({ appSecret: SECRET, verifyToken: "v", awaitHandlers: true, dedupe: memoryDedupeStore({ maxKeys: 1_000_000, maxBytes: 1 << 28 }), onEvent: memorySource.onEvent });
const redisSource = createCallEventSource({ bus: redisEventBus(main, { reader, maxLength: 100_000 }) });
const redisHandler = createWebhookHandler({ appSecret: SECRET, verifyToken: "v", awaitHandlers: true, dedupe: redisDedupeStore(main), onEvent: redisSource.onEvent });

console.log(`Machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, Node ${process.version}, redis-server on loopback, ${new Date().toISOString().slice(0, 10)}`);
console.log("\n| Stores | Concurrent deliveries | Deliveries/s | Not 200 |\n|---|---|---|---|");
await deliveriesPerSecond("warm-up memory", memoryHandler, 500, 1);
await deliveriesPerSecond("warm-up redis", redisHandler, 500, 1);
for (const c of [1, 32]) {
  console.log(await deliveriesPerSecond("in memory", memoryHandler, 5_000, c));
  console.log(await deliveriesPerSecond("Redis (dedupe + event bus)", redisHandler, 5_000, c));
}

// The governor's added latency per connect: the same connects against the fake, plain and governed.
const fake = await startFakeCallingApi({ limits: { newCallsPerDay: 1_000_000, callsPerUserPerDay: 1_000_000 } });
const inner = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, retry: { maxAttempts: 1 } });
async function connectLatency(label: string, client: typeof inner, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const user = `1555${label.length}${String(i).padStart(6, "0")}`;
    fake.grantPermission(user);
    const t = performance.now();
    const r = await client.connect({ to: user, sdp: sdpOffer("v=0\r\n") });
    times.push(performance.now() - t);
    if (r.isOk()) await client.terminate({ callId: r.value });
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}
const governors: [string, LimitGovernor][] = [
  ["memory governor", memoryLimitGovernor()],
  ["Redis governor", redisLimitGovernor(main, { phoneNumberId: "bench" })],
];
await connectLatency("warm", inner, 300);
const plain = await connectLatency("plain", inner, 2_000);
console.log("\n| Client | Median connect (ms) | Added by the governor (ms) |\n|---|---|---|");
console.log(`| plain | ${plain.toFixed(3)} | — |`);
for (const [label, g] of governors) {
  const m = await connectLatency(label, governed(inner, g), 2_000);
  console.log(`| ${label} | ${m.toFixed(3)} | ${(m - plain).toFixed(3)} |`);
}

await fake.close();
await redisSource.close();
await main.close();
await reader.close();
await redis.stop();
