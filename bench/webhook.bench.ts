/**
 * `npm run bench` (webhook part): deliveries per second through wacall's webhook endpoint on
 * node:http against a bare node:http handler doing the same essential work (read the body,
 * HMAC-SHA256 with node:crypto, constant-time compare, JSON.parse, answer 200): both servers in
 * this process, the load generator (`bench/webhook-load.ts`) in a child process. Rounds
 * interleaved; the ratio is taken per round and its median reported. Beside the throughput, the
 * CPU time this process spent per delivery (the server's whole work: HTTP parsing, the handler,
 * writing the answer, GC), which moves far less than the throughput when other work shares the
 * cores.
 */
import { fork } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { createWebhookHandler, toNodeListener, webhookServerOptions } from "../src/webhook/index.js";
import { connectBody, type LoadJob, type LoadResult } from "./webhook-load.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_DELIVERIES ?? 6000);
const CONNECTIONS = 32;
const SECRET = "bench-app-secret-0123456789abcdef";
const LIMIT = 3 * 1024 * 1024;

let bareEvents = 0;
const bare = http.createServer(webhookServerOptions, (req, res) => {
  const chunks: Buffer[] = [];
  let total = 0;
  req.on("data", (chunk: Buffer) => {
    total += chunk.byteLength;
    if (total > LIMIT) {
      res.statusCode = 413;
      res.end();
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    const body = Buffer.concat(chunks, total);
    const header = req.headers["x-hub-signature-256"];
    const given = typeof header === "string" && header.startsWith("sha256=") ? Buffer.from(header.slice(7), "hex") : undefined;
    const expected = createHmac("sha256", SECRET).update(body).digest();
    if (given === undefined || given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) {
      res.statusCode = 403;
      res.end();
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      res.statusCode = 400;
      res.end();
      return;
    }
    if (parsed !== null) bareEvents++;
    res.statusCode = 200;
    res.end();
  });
});

let wacallEvents = 0;
const problems: string[] = [];
const handler = createWebhookHandler({
  appSecret: SECRET,
  verifyToken: "bench-verify-token",
  onEvent: () => {
    wacallEvents++;
  },
  onError: (p) => {
    if (problems.length < 5) problems.push(p._tag);
  },
});
const endpoint = http.createServer(webhookServerOptions, toNodeListener(handler));

const listen = (server: http.Server) => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
const barePort = await listen(bare);
const wacallPort = await listen(endpoint);

// The load generator loads its TypeScript through tsx's loader, like this script.
const loader = fork(new URL("./webhook-load.ts", import.meta.url), { execArgv: ["--import", import.meta.resolve("tsx")] });
let jobs = 0;
/** One measurement, with the CPU time this process (the servers) spent on it, in µs per delivery. */
function load(port: number, requests: number, connections: number): Promise<LoadResult & { cpuUs: number }> {
  const job: LoadJob = { port, requests, connections, secret: SECRET, tag: `r${jobs++}`, timeoutMs: 60_000 };
  return new Promise((resolve) => {
    const cpu = process.cpuUsage();
    loader.once("message", (r: LoadResult) => {
      const used = process.cpuUsage(cpu);
      resolve({ ...r, cpuUs: (used.user + used.system) / Math.max(1, r.completed) });
    });
    loader.send(job);
  });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const gc = (globalThis as { gc?: () => void }).gc;

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"} (${os.cpus().length} cores), ${new Date().toISOString()}`);
console.log(`webhook endpoint: ${REQUESTS} unique signed connect deliveries (${Buffer.byteLength(connectBody("wacid.r0.0"))} bytes) per measurement, ${CONNECTIONS} keep-alive connections, ${ROUNDS} interleaved rounds`);

// Warm-up of both paths (JIT, connection setup).
await load(barePort, 2000, CONNECTIONS);
await load(wacallPort, 2000, CONNECTIONS);

const bareRate: number[] = [];
const wacallRate: number[] = [];
const ratios: number[] = [];
const bareCpu: number[] = [];
const wacallCpu: number[] = [];
const cpuRatios: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const [first, second] = r % 2 === 0 ? [barePort, wacallPort] : [wacallPort, barePort];
  const a = await load(first, REQUESTS, CONNECTIONS);
  const b = await load(second, REQUESTS, CONNECTIONS);
  const [rb, rw] = first === barePort ? [a, b] : [b, a];
  if (rb.ok !== REQUESTS || rw.ok !== REQUESTS) throw new Error(`not every delivery was answered 200: bare ${rb.ok}, wacall ${rw.ok} of ${REQUESTS}; problems: ${problems.join(", ")}`);
  const b1 = rb.completed / rb.seconds;
  const w1 = rw.completed / rw.seconds;
  bareRate.push(b1);
  wacallRate.push(w1);
  ratios.push(w1 / b1);
  bareCpu.push(rb.cpuUs);
  wacallCpu.push(rw.cpuUs);
  cpuRatios.push(rb.cpuUs / rw.cpuUs);
  console.log(
    `  round ${r + 1}: bare ${b1.toFixed(0)} deliveries/s, wacall ${w1.toFixed(0)} deliveries/s, ratio ${(w1 / b1).toFixed(3)}; server CPU per delivery bare ${rb.cpuUs.toFixed(1)} µs, wacall ${rw.cpuUs.toFixed(1)} µs, bare/wacall ${(rb.cpuUs / rw.cpuUs).toFixed(3)}`,
  );
}
console.log(`median: bare ${median(bareRate).toFixed(0)}/s, wacall ${median(wacallRate).toFixed(0)}/s, wacall/bare ${median(ratios).toFixed(3)} (target >= 0.80)`);
console.log(`server CPU per delivery (median): bare ${median(bareCpu).toFixed(1)} µs, wacall ${median(wacallCpu).toFixed(1)} µs; bare/wacall ${median(cpuRatios).toFixed(3)} (the throughput ratio the servers' work allows)`);

// Latency at 50 concurrent connections, interleaved the same way.
const lat = { bare: { p50: [] as number[], p99: [] as number[] }, wacall: { p50: [] as number[], p99: [] as number[] } };
for (let r = 0; r < Math.max(3, Math.ceil(ROUNDS / 2)); r++) {
  const rb = await load(barePort, REQUESTS, 50);
  const rw = await load(wacallPort, REQUESTS, 50);
  lat.bare.p50.push(rb.p50Ms);
  lat.bare.p99.push(rb.p99Ms);
  lat.wacall.p50.push(rw.p50Ms);
  lat.wacall.p99.push(rw.p99Ms);
}
console.log(`latency at 50 connections (median of rounds): bare p50 ${median(lat.bare.p50).toFixed(2)} ms, p99 ${median(lat.bare.p99).toFixed(2)} ms; wacall p50 ${median(lat.wacall.p50).toFixed(2)} ms, p99 ${median(lat.wacall.p99).toFixed(2)} ms`);

// Memory: resident set growth over 10k deliveries (after a GC when --expose-gc is given).
async function rssPer10k(port: number): Promise<number> {
  gc?.();
  const before = process.memoryUsage().rss;
  await load(port, 10_000, CONNECTIONS);
  gc?.();
  return (process.memoryUsage().rss - before) / (1024 * 1024);
}
const rssBare = await rssPer10k(barePort);
const rssWacall = await rssPer10k(wacallPort);
console.log(`RSS growth per 10k deliveries${gc === undefined ? " (no --expose-gc)" : " (after GC)"}: bare ${rssBare.toFixed(1)} MiB, wacall ${rssWacall.toFixed(1)} MiB (wacall holds the last 10k event keys in its dedupe store)`);
console.log(`events dispatched: bare ${bareEvents}, wacall ${wacallEvents}`);

loader.kill();
bare.close();
endpoint.close();
bare.closeAllConnections();
endpoint.closeAllConnections();
