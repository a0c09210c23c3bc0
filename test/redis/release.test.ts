/**
 * The webhook handler on the Redis dedupe store, against a real redis-server: when `onEvent`
 * fails, the handler releases the event's claim, so an immediate redelivery runs the event again
 * instead of waiting for the claim's lease (30 s by default) to run out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectChange, delivery } from "wacall/testing";
import { createWebhookHandler, eventKey, signBody, type CallEvent, type WebhookHandler, type WebhookHandlerProblem } from "wacall/webhook";
import { redisDedupeStore } from "../../src/redis/index.js";
import { connectClient, startRedis, type RedisServer } from "./server.js";

const SECRET = "redis-release-app-secret-91c3e2";
const T = Date.UTC(2026, 10, 25);

let server: RedisServer;
let a: Awaited<ReturnType<typeof connectClient>>;
let b: Awaited<ReturnType<typeof connectClient>>;

beforeAll(async () => {
  server = await startRedis();
  a = await connectClient(server.url);
  b = await connectClient(server.url);
}, 20_000);

afterAll(async () => {
  await a?.close().catch(() => undefined);
  await b?.close().catch(() => undefined);
  await server?.stop();
});

/** Posts a signed delivery; resolves to its status, or to "still waiting" when it takes over `ms`. */
async function post(handler: WebhookHandler, body: string, ms = 3_000): Promise<number | "still waiting"> {
  const request = new Request("http://127.0.0.1/webhook", { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, SECRET) } });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"still waiting">((r) => (timer = setTimeout(() => r("still waiting"), ms)));
  try {
    return await Promise.race([handler(request).then((response) => response.status), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A handler on `redisDedupeStore(client)` (default lease) whose onEvent fails the first `failures` times. */
function worker(client: typeof a, prefix: string, state: { failures: number; ran: CallEvent[]; problems: WebhookHandlerProblem[] }) {
  return createWebhookHandler({
    appSecret: SECRET,
    verifyToken: "vt",
    awaitHandlers: true,
    dedupe: redisDedupeStore(client, { prefix }),
    onError: (p) => void state.problems.push(p),
    onEvent: (e) => {
      state.ran.push(e);
      if (state.failures-- > 0) throw new Error("database down");
    },
  });
}

describe("a failed onEvent releases its Redis claim", () => {
  it.each([
    { to: "the same worker", prefix: "same:", second: () => a },
    { to: "another worker", prefix: "other:", second: () => b },
  ])("an immediate redelivery to $to runs onEvent again and gets 200", async ({ prefix, second }) => {
    const state = { failures: 1, ran: [] as CallEvent[], problems: [] as WebhookHandlerProblem[] };
    const first = worker(a, prefix, state);
    const redeliveryTarget = second() === a ? first : worker(second(), prefix, state);
    const body = JSON.stringify(delivery([connectChange({ callId: `wacid.${prefix}`, from: "1", to: "2", direction: "USER_INITIATED", timestamp: T })]));

    expect(await post(first, body)).toBe(500);
    expect(state.ran).toHaveLength(1);
    const key = `${prefix}${await eventKey(state.ran[0] as CallEvent)}`;
    // Before: the claim (`c:<token>`, PX 30000) was still held here.
    expect.soft(await a.get(key)).toBeNull();

    // Before: the redelivery found the claim busy and polled it until the lease ran out (200 after ~30 s).
    const started = Date.now();
    expect(await post(redeliveryTarget, body)).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(state.ran).toHaveLength(2);
    expect(await a.get(key)).toBe("h");
    expect(state.problems.map((p) => p._tag)).toEqual(["HandlerFailed"]);

    // Handled now: a third delivery is skipped.
    expect(await post(redeliveryTarget, body)).toBe(200);
    expect(state.ran).toHaveLength(2);
  });
});
