/**
 * One worker process of the multi-process tests: a webhook endpoint whose handler shares its
 * dedupe store, its event source and its limit governor through Redis, and a client that places
 * calls when the parent asks (over IPC).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";
import { placeCall } from "../../src/calls/pipelines.js";
import { createCallEventSource } from "../../src/calls/source.js";
import { createCallingClient } from "../../src/client/client.js";
import { sdpOffer } from "../../src/client/types.js";
import { governed } from "../../src/limits/governed.js";
import { redisDedupeStore, redisEventBus, redisLimitGovernor } from "../../src/redis/index.js";
import { createWebhookHandler } from "../../src/webhook/handler.js";
import { toNodeListener, webhookServerOptions } from "../../src/webhook/node.js";
import type { CallEvent } from "../../src/webhook/event-types.js";

const url = process.env["REDIS_URL"] ?? "";
const secret = process.env["APP_SECRET"] ?? "";
const send = (m: unknown) => process.send?.(m);

const connect = async () => {
  const c = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (n: number) => Math.min(50 * n, 200), connectTimeout: 1_000 } });
  c.on("error", () => undefined);
  await c.connect();
  return c;
};
const redis = await connect();
const reader = await connect();
const source = createCallEventSource({ bus: redisEventBus(redis, { reader, blockMs: 200 }) });
const dedupe = redisDedupeStore(redis, { leaseMs: 10_000, pollMs: 5 });
const governor = redisLimitGovernor(redis, { phoneNumberId: "1234567890" });

/** What identifies an event in the parent's tally. */
const keyOf = (e: CallEvent) => `${e._tag}:${"callId" in e ? e.callId : "-"}:${"status" in e ? String(e.status) : "-"}`;
let throwsSeen = 0;
let dedupeFailures = 0;
process.on("uncaughtException", () => void throwsSeen++);
process.on("unhandledRejection", () => void throwsSeen++);

const handler = createWebhookHandler({
  appSecret: secret,
  verifyToken: "verify",
  awaitHandlers: true,
  onError: (p) => {
    if (p._tag === "DedupeFailed") dedupeFailures++;
  },
  // WORKER_STORES=memory: each worker on its own, as before the shared stores (to see the tests fail).
  ...(process.env["WORKER_STORES"] !== "memory" && { dedupe }),
  onEvent: async (e) => {
    await source.onEvent(e);
    await governor.observe(e);
    send({ type: "event", key: keyOf(e), pid: process.pid });
  },
});
const server = createServer(webhookServerOptions, toNodeListener(handler));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
send({ type: "ready", port: (server.address() as AddressInfo).port });

interface Load {
  readonly baseUrl: string;
  readonly users: readonly string[];
  readonly inFlight: number;
  /** Hang up this share of the calls placed, after holding them `holdMs`. */
  readonly hangUpShare: number;
  readonly holdMs: number;
}

/** Connects to every user, `inFlight` at a time, through the governed client; tallies what came back. */
async function load(o: Load) {
  const client = governed(createCallingClient({ baseUrl: o.baseUrl, accessToken: "fake-access-token", phoneNumberId: "1234567890", retry: { maxAttempts: 1 } }), governor);
  const tally = { placed: 0, refusedLocally: 0, metaConcurrent: 0, other: [] as string[], hungUp: 0 };
  let next = 0;
  const lane = async () => {
    while (next < o.users.length) {
      const user = o.users[next++] as string;
      const r = await client.connect({ to: user, sdp: sdpOffer("v=0\r\n") });
      if (r.isOk()) {
        tally.placed++;
        if (Math.random() < o.hangUpShare) {
          await new Promise((res) => setTimeout(res, Math.random() * o.holdMs));
          if ((await client.terminate({ callId: r.value })).isOk()) tally.hungUp++;
        }
      } else if (r.error._tag === "ConcurrentCallsLimit") {
        if ("decidedBy" in r.error && r.error.decidedBy === "limit-governor") tally.refusedLocally++;
        else tally.metaConcurrent++;
      } else tally.other.push(r.error._tag);
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, lane));
  return tally;
}

process.on("message", (m: { type: string; [k: string]: unknown }) => {
  if (m.type === "load") {
    void load(m as unknown as Load).then((tally) => send({ type: "loaded", tally }));
  } else if (m.type === "place") {
    const client = createCallingClient({ baseUrl: String(m["baseUrl"]), accessToken: "fake-access-token", phoneNumberId: "1234567890", retry: { maxAttempts: 1 } });
    void placeCall(client, source, { to: String(m["to"]), sdp: sdpOffer("v=0\r\n"), permissionRequestBody: "May we call?", bizOpaqueCallbackData: String(m["opaque"]) }, { settleMs: 10_000, followMs: 10_000 }).then((end) =>
      send({ type: "placed", end: end.match((x) => x._tag, (e) => `error ${e._tag}`) }),
    );
  } else if (m.type === "stats") {
    send({ type: "stats", throwsSeen, dedupeFailures, busFailures: source.stats().busFailures });
  } else if (m.type === "exit") {
    void (async () => {
      await source.close();
      server.close();
      await Promise.allSettled([redis.close(), reader.close()]);
      process.exit(0);
    })();
  }
});
