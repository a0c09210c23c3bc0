/**
 * `npm run bench:client`: requests per second of connect + terminate against the fake Calling
 * API on loopback, wacall's client versus bare fetch sending the same requests, in one process.
 */
import os from "node:os";
import { createCallingClient, sdpOffer } from "../src/client/index.js";
import { startFakeCallingApi } from "../src/testing/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 400);
const CONCURRENCY = 8;
// Every reading of the fake's clock moves it a day on, so the per-user daily limit and its
// bookkeeping never build up over thousands of calls.
let day = Date.UTC(2026, 0, 1);
const fake = await startFakeCallingApi({ clock: () => (day += 86_400_001), limits: { unansweredCallsBeforeRevoke: Infinity } });
const users = Array.from({ length: CONCURRENCY }, (_, i) => `1555000${String(i).padStart(4, "0")}`);
for (const u of users) fake.grantPermission(u, { permanent: true });
const sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
const base = `${fake.url}/v23.0/${fake.phoneNumberId}/calls`;
const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });

async function bare(user: string): Promise<void> {
  const headers = { authorization: `Bearer ${fake.accessToken}`, "content-type": "application/json" };
  const r = await fetch(base, { method: "POST", headers, body: JSON.stringify({ messaging_product: "whatsapp", to: user, action: "connect", session: { sdp_type: "offer", sdp } }) });
  const body = (await r.json()) as { calls: { id: string }[] };
  const id = body.calls[0]?.id;
  const t = await fetch(base, { method: "POST", headers, body: JSON.stringify({ messaging_product: "whatsapp", call_id: id, action: "terminate" }) });
  await t.json();
  if (!r.ok || !t.ok) throw new Error(`bare fetch failed: ${r.status} ${t.status}`);
}

async function wacall(user: string): Promise<void> {
  const id = (await client.connect({ to: user, sdp: sdpOffer(sdp) }))._unsafeUnwrap();
  (await client.terminate({ callId: id }))._unsafeUnwrap();
}

/** Pairs per second with CONCURRENCY users each doing connect + terminate in a loop. */
async function measure(run: (user: string) => Promise<void>): Promise<number> {
  const per = Math.ceil(PAIRS / CONCURRENCY);
  const t0 = performance.now();
  await Promise.all(users.map(async (u) => { for (let i = 0; i < per; i++) await run(u); }));
  return (per * CONCURRENCY) / ((performance.now() - t0) / 1000);
}

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"} (${os.cpus().length} cores), ${new Date().toISOString()}`);
console.log(`${PAIRS} connect+terminate pairs per measurement, ${CONCURRENCY} concurrent users, ${ROUNDS} interleaved rounds`);
await measure(bare);
await measure(wacall); // warm-up
const ratios: number[] = [];
const bareRps: number[] = [];
const wacallRps: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const b = await measure(bare);
  const w = await measure(wacall);
  bareRps.push(b);
  wacallRps.push(w);
  ratios.push(w / b);
  console.log(`  round ${r + 1}: bare fetch ${b.toFixed(0)} pairs/s, wacall ${w.toFixed(0)} pairs/s, ratio ${(w / b).toFixed(3)}`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(`median: bare fetch ${median(bareRps).toFixed(0)} pairs/s, wacall ${median(wacallRps).toFixed(0)} pairs/s, wacall/bare ${median(ratios).toFixed(3)} (target >= 0.90)`);
await fake.close();
