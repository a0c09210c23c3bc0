/**
 * The load generator of `bench/webhook.bench.ts`, run in a child process so it has its own event
 * loop (and the second core) while the servers run in the parent, whose CPU time then counts the
 * servers' work alone. Raw keep-alive sockets on
 * loopback: each connection writes one prebuilt request, waits for the whole answer, writes the
 * next. Bodies are built and signed before the clock starts, each one unique (its own call id),
 * so de-duplication never short-circuits a delivery.
 */
import { createHmac } from "node:crypto";
import net from "node:net";

/** A measurement asked for by the main thread. */
export interface LoadJob {
  readonly port: number;
  readonly requests: number;
  readonly connections: number;
  readonly secret: string;
  /** Distinguishes the call ids of every job of a run. */
  readonly tag: string;
  /** Wall-clock bound of the job; it stops early (and says so) past it. */
  readonly timeoutMs: number;
}

/** What a measurement gave. */
export interface LoadResult {
  readonly completed: number;
  readonly ok: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly timedOut: boolean;
}

const sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n";

/** A ~600-byte signed connect delivery, as Meta sends it. */
export function connectBody(callId: string): string {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "calls",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550009999", phone_number_id: "1234567890" },
              contacts: [{ profile: { name: "Caller" }, wa_id: "15551234567" }],
              calls: [{ id: callId, to: "15550009999", from: "15551234567", event: "connect", timestamp: "1745622600", direction: "USER_INITIATED", session: { sdp_type: "offer", sdp } }],
            },
          },
        ],
      },
    ],
  });
}

function requests(job: LoadJob): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < job.requests; i++) {
    const body = Buffer.from(connectBody(`wacid.${job.tag}.${i}`));
    const sig = createHmac("sha256", job.secret).update(body).digest("hex");
    const head = `POST /webhook HTTP/1.1\r\nHost: 127.0.0.1:${job.port}\r\nContent-Type: application/json\r\nX-Hub-Signature-256: sha256=${sig}\r\nContent-Length: ${body.byteLength}\r\nConnection: keep-alive\r\n\r\n`;
    out.push(Buffer.concat([Buffer.from(head), body]));
  }
  return out;
}

/** Runs one connection until the shared queue is empty; resolves with the latencies it saw (ms). */
function connection(job: LoadJob, queue: Buffer[], next: { i: number }, latencies: number[], counts: { ok: number; done: number }, deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port: job.port, noDelay: true });
    let pending = "";
    let started = 0;
    const send = () => {
      if (next.i >= queue.length || performance.now() > deadline) {
        socket.end();
        return resolve();
      }
      const request = queue[next.i++] as Buffer;
      started = performance.now();
      socket.write(request);
    };
    socket.setEncoding("latin1");
    socket.on("connect", send);
    socket.on("data", (chunk: string) => {
      pending += chunk;
      for (;;) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = pending.slice(0, end);
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        pending = pending.slice(end + 4 + length);
        latencies.push(performance.now() - started);
        counts.done++;
        if (head.startsWith("HTTP/1.1 200")) counts.ok++;
        send();
      }
    });
    socket.on("error", () => resolve());
    socket.on("close", () => resolve());
  });
}

async function run(job: LoadJob): Promise<LoadResult> {
  const queue = requests(job);
  const latencies: number[] = [];
  const counts = { ok: 0, done: 0 };
  const t0 = performance.now();
  const deadline = t0 + job.timeoutMs;
  const next = { i: 0 };
  await Promise.all(Array.from({ length: job.connections }, () => connection(job, queue, next, latencies, counts, deadline)));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { completed: counts.done, ok: counts.ok, seconds, p50Ms: at(0.5), p99Ms: at(0.99), timedOut: counts.done < job.requests };
}

// Forked by the bench: jobs and results go over the IPC channel.
process.on("message", (job: LoadJob) => {
  void run(job).then((result) => process.send?.(result));
});
