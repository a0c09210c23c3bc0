/**
 * `npm run bench` (webhook steps): the in-process cost of each step of one delivery, in µs, so a
 * change to one step can be told apart from the noise of the end-to-end run. Same ~600-byte
 * connect delivery as `bench/webhook.bench.ts`, a new call id per delivery. Then the handler's
 * core as the node adapter calls it (default in-memory dedupe store, a synchronous onEvent)
 * against the bare handler's work on the same deliveries, in CPU time per delivery, rounds
 * interleaved: a steadier figure than the end-to-end run on a shared machine.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { Buffer } from "node:buffer";
import { do_not_optimize, measure } from "mitata";
import { redactDeep, makeScrubber } from "../src/internal/redact.js";
import { canonicalJson, eventKey, eventKeyNow, eventKeyOfParsed } from "../src/webhook/event-key.js";
import { handlerSettings } from "../src/webhook/handler.js";
import { createWebhookHandler, decodeWebhookItems, signBody, verifySignature, type CallEvent } from "../src/webhook/index.js";
import { connectBody } from "./webhook-load.js";

const SECRET = "bench-app-secret-0123456789abcdef";
const N = 512;
const texts = Array.from({ length: N }, (_, i) => connectBody(`wacid.steps.${i}`));
const bodies = texts.map((t) => new TextEncoder().encode(t));
const headers = await Promise.all(texts.map((t) => signBody(t, SECRET)));
const events = texts.map((t) => (decodeWebhookItems(t)._unsafeUnwrap().events[0] as CallEvent));
const calls = texts.map((t) => (JSON.parse(t) as { entry: { changes: { value: { calls: object[] } }[] }[] }).entry[0]?.changes[0]?.value.calls[0]);
const scrub = makeScrubber([SECRET, "bench-verify-token"]);

let i = 0;
const next = () => (i = (i + 1) % N);
const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "bench-verify-token", onEvent: () => undefined, dedupe: false });
const core = handlerSettings(handler);
if (core === undefined) throw new Error("no handler core");

const steps: [string, () => unknown][] = [
  ["node:crypto HMAC + timingSafeEqual", () => { const k = next(); const mac = createHmac("sha256", SECRET).update(bodies[k] as Uint8Array).digest(); return timingSafeEqual(mac, mac); }],
  ["JSON.parse of the text", () => JSON.parse(texts[next()] as string)],
  ["verifySignature (public, Result)", () => verifySignature(bodies[next()], headers[i], SECRET)],
  ["decodeWebhookItems (secrets given)", () => decodeWebhookItems(bodies[next()], { secrets: [SECRET, "bench-verify-token"] })],
  ["redactDeep of the call object", () => redactDeep(calls[next()], scrub)],
  ["canonicalJson of the item", () => canonicalJson(calls[next()])],
  ["eventKeyNow (node:crypto SHA-256)", () => eventKeyNow(events[next()] as CallEvent)],
  ["eventKeyOfParsed (handler: recursive, node:crypto)", () => eventKeyOfParsed(events[next()] as CallEvent)],
  ["eventKey (Web Crypto, awaited)", () => eventKey(events[next()] as CallEvent)],
  ["handler core: deliver(bytes), no dedupe", () => new Promise<number>((resolve) => core.deliver(bodies[next()] as Uint8Array<ArrayBuffer>, headers[i], resolve))],
  ["Fetch handler: Request in, Response out", () => handler(new Request("http://localhost/webhook", { method: "POST", body: bodies[next()] as Uint8Array<ArrayBuffer>, headers: { "x-hub-signature-256": headers[i] as string } }))],
];

console.log(`\nwebhook steps, µs per delivery (${Buffer.byteLength(texts[0] as string)}-byte connect delivery)`);
for (const [name, fn] of steps) {
  const async = fn() instanceof Promise;
  const stats = await measure(async ? async () => do_not_optimize(await (fn() as Promise<unknown>)) : () => do_not_optimize(fn()), { min_cpu_time: 150e6 });
  console.log(`  ${name.padEnd(52)} ${(stats.avg / 1000).toFixed(2).padStart(8)} µs`);
}

// Handler core vs bare work, same deliveries, CPU time per delivery (each batch new call ids, so
// the dedupe store never answers early).
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 4000;
let batchTag = 0;
async function batch(): Promise<{ bodies: Uint8Array<ArrayBuffer>[]; headers: string[] }> {
  const t = batchTag++;
  const ts = Array.from({ length: BATCH }, (_, k) => connectBody(`wacid.cmp.${t}.${k}`));
  return { bodies: ts.map((x) => new TextEncoder().encode(x)), headers: await Promise.all(ts.map((x) => signBody(x, SECRET))) };
}
let handled = 0;
let status = 0;
const full = handlerSettings(createWebhookHandler({ appSecret: SECRET, verifyToken: "bench-verify-token", onEvent: () => void handled++ }));
if (full === undefined) throw new Error("no handler core");
const setStatus = (s: number) => void (status = s);
const sides: Record<"bare" | "wacall", (body: Uint8Array<ArrayBuffer>, header: string) => void> = {
  bare: (body, header) => {
    const given = header.startsWith("sha256=") ? Buffer.from(header.slice(7), "hex") : undefined;
    const expected = createHmac("sha256", SECRET).update(body).digest();
    if (given === undefined || given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) return setStatus(403);
    if (JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8")) !== null) handled++;
    setStatus(200);
  },
  wacall: (body, header) => full.deliver(body, header, setStatus),
};
const cpu: Record<"bare" | "wacall", number[]> = { bare: [], wacall: [] };
const ratios: number[] = [];
for (let r = 0; r < ROUNDS + 1; r++) {
  const order = r % 2 === 0 ? (["bare", "wacall"] as const) : (["wacall", "bare"] as const);
  const round: Partial<Record<"bare" | "wacall", number>> = {};
  for (const side of order) {
    const { bodies, headers: hs } = await batch();
    const run = sides[side];
    const c0 = process.cpuUsage();
    for (let k = 0; k < BATCH; k++) {
      run(bodies[k] as Uint8Array<ArrayBuffer>, hs[k] as string);
      if (status !== 200) throw new Error(`${side} answered ${status}`);
    }
    const c = process.cpuUsage(c0);
    round[side] = (c.user + c.system) / BATCH;
  }
  if (r === 0) continue; // warm-up
  cpu.bare.push(round.bare as number);
  cpu.wacall.push(round.wacall as number);
  ratios.push((round.bare as number) / (round.wacall as number));
}
const med = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
console.log(`\nhandler core (default dedupe store) vs bare work, CPU µs per delivery, median of ${ROUNDS} interleaved rounds of ${BATCH}`);
console.log(`  bare work (read bytes, HMAC, timingSafeEqual, JSON.parse)   ${med(cpu.bare).toFixed(2).padStart(8)} µs`);
console.log(`  wacall core: deliver(bytes) with dedupe and dispatch        ${med(cpu.wacall).toFixed(2).padStart(8)} µs`);
console.log(`  bare/wacall ${med(ratios).toFixed(3)} (per round ${ratios.map((x) => x.toFixed(2)).join(", ")}); events handled ${handled}`);
