/**
 * Work that `onEvent` does after the response, on workerd: each of 4 events reports `started`,
 * waits 150 ms, then reports `finished` to a server of this process. workerd stops a request's
 * work once its response is sent, unless the worker keeps it alive.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signBody } from "../../src/webhook/signature.js";
import { delivery, statusChange } from "../../src/testing/webhooks.js";
import { startGraphServer, type GraphServer } from "./graph-server.js";
import { startWorkerd, type Workerd } from "./workerd.js";

let server: GraphServer;
let workerd: Workerd;

beforeAll(async () => {
  server = await startGraphServer();
  workerd = await startWorkerd();
}, 60_000);

afterAll(async () => {
  await workerd?.stop();
  await server?.close();
});

const body = JSON.stringify(delivery([1, 2, 3, 4].map((n) => statusChange({ callId: `wacid.BG${n}`, status: "RINGING", recipientId: "15551234567", timestamp: 1_750_000_000 + n }))));

/** Posts the signed delivery; returns the status and the counts at the moment the answer came. */
async function deliver(mode: string, token: string) {
  const url = `${workerd.url}/webhook?server=${encodeURIComponent(server.url)}&token=${token}&mode=${mode}`;
  const res = await fetch(url, { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, "smoke-app-secret") }, signal: AbortSignal.timeout(15_000) });
  await res.arrayBuffer();
  return { status: res.status, finishedAtAnswer: server.count(token, "finished") };
}

/** Waits until `finished` reaches `want` or `ms` pass; returns the counts. */
async function settle(token: string, want: number, ms = 3_000) {
  for (let i = 0; i < ms / 50 && server.count(token, "finished") < want; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  return { started: server.count(token, "started"), finished: server.count(token, "finished") };
}

describe("webhook handler on workerd: work after the response", () => {
  it("default (answer at once, no execution context): the work is cut off", async () => {
    const answer = await deliver("default", "bg-default");
    expect(answer.status).toBe(200);
    const counts = await settle("bg-default", 4, 1_000);
    console.log("workerd, default:", counts);
    expect(counts.finished, "workerd now keeps work after the response alive: the README's Workers advice can say so").toBeLessThan(4);
  }, 20_000);

  it("the execution context passed on: the answer goes out first, ctx.waitUntil keeps all 4 alive", async () => {
    const answer = await deliver("ctx", "bg-ctx");
    expect(answer.status).toBe(200);
    expect(answer.finishedAtAnswer).toBeLessThan(4);
    expect(await settle("bg-ctx", 4)).toEqual({ started: 4, finished: 4 });
  }, 20_000);

  it("awaitHandlers: true: the answer waits for every event, all 4 finish", async () => {
    const answer = await deliver("await", "bg-await");
    expect(answer).toEqual({ status: 200, finishedAtAnswer: 4 });
    expect(await settle("bg-await", 4)).toEqual({ started: 4, finished: 4 });
  }, 20_000);
});
