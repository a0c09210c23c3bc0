/**
 * `npm run bench` (webhook steps): the in-process cost of each step of one delivery, in µs, so a
 * change to one step can be told apart from the noise of the end-to-end run. Same ~600-byte
 * connect delivery as `bench/webhook.bench.ts`, a new call id per delivery.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
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
  ["handler core: deliver(bytes), no dedupe", () => core.deliver(bodies[next()] as Uint8Array<ArrayBuffer>, headers[i])],
  ["Fetch handler: Request in, Response out", () => handler(new Request("http://localhost/webhook", { method: "POST", body: bodies[next()] as Uint8Array<ArrayBuffer>, headers: { "x-hub-signature-256": headers[i] as string } }))],
];

console.log(`\nwebhook steps, µs per delivery (${Buffer.byteLength(texts[0] as string)}-byte connect delivery)`);
for (const [name, fn] of steps) {
  const async = fn() instanceof Promise;
  const stats = await measure(async ? async () => do_not_optimize(await (fn() as Promise<unknown>)) : () => do_not_optimize(fn()), { min_cpu_time: 150e6 });
  console.log(`  ${name.padEnd(52)} ${(stats.avg / 1000).toFixed(2).padStart(8)} µs`);
}
