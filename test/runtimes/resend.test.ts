/**
 * A `connect` on a reused keep-alive connection that the server closes after reading it (the
 * server closing an idle connection just as the client reuses it). The request reached the
 * server, so nothing may send it again: wacall reports `OutcomeUnknown`, and the server must see
 * exactly one `connect`. Deno's own `fetch` re-sends it; the `fetch` of
 * examples/deno-connect-fetch.ts prevents that.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { denoConnectFetch } from "../../examples/deno-connect-fetch.js";
import { startGraphServer, type GraphServer } from "./graph-server.js";
import { keepAliveConnect, type KeepAliveReport } from "./keepalive.js";
import { binary, denoRun, resultOf, run } from "./processes.js";
import { startWorkerd, type Workerd } from "./workerd.js";

const RUN_MS = 30_000;
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

/** The connect requests the server saw for a token: how many, and whether each came on a reused connection. */
function connects(token: string) {
  const seen = server.seen(token, "keepalive").filter((r) => r.method === "POST");
  return { count: seen.length, reused: seen.map((r) => r.onConnection > 1) };
}

async function deno(token: string, remedy: boolean): Promise<KeepAliveReport> {
  const job = JSON.stringify({ mode: "keepalive", server: server.url, token, remedy });
  return resultOf(await run(binary("deno"), [...denoRun, "test/runtimes/cli-entry.ts", job], RUN_MS)) as KeepAliveReport;
}

describe("a connect on a reused connection closed by the server", () => {
  it("Deno's default fetch sends it twice (what the remedy is for)", async () => {
    const report = await deno("resend-deno-default", false);
    console.log("deno, default fetch:", report, connects("resend-deno-default"));
    expect(report.read).toBe("ok");
    expect(connects("resend-deno-default").count, "Deno's fetch no longer re-sends: examples/deno-connect-fetch.ts and the README's Runtimes section can say so").toBe(2);
  }, RUN_MS);

  it("Deno with denoConnectFetch: the server sees one connect, on a fresh connection", async () => {
    const report = await deno("resend-deno-remedy", true);
    console.log("deno, denoConnectFetch:", report, connects("resend-deno-remedy"));
    expect(report.read).toBe("ok");
    expect(connects("resend-deno-remedy")).toEqual({ count: 1, reused: [false] });
    expect(report.connect).toMatch(/^ok wacid\./);
  }, RUN_MS);

  it("outside Deno, denoConnectFetch is the global fetch", () => {
    expect(denoConnectFetch()).toBe(globalThis.fetch);
  });

  it("Node: one connect, reported as OutcomeUnknown", async () => {
    const report = await keepAliveConnect(server.url, "resend-node");
    expect(report).toEqual({ read: "ok", connect: "OutcomeUnknown reset" });
    expect(connects("resend-node")).toEqual({ count: 1, reused: [true] });
  }, RUN_MS);

  it("Bun: one connect, reported as OutcomeUnknown", async () => {
    const job = JSON.stringify({ mode: "keepalive", server: server.url, token: "resend-bun", remedy: false });
    const report = resultOf(await run(binary("bun"), ["test/runtimes/cli-entry.ts", job], RUN_MS));
    expect(report).toEqual({ read: "ok", connect: "OutcomeUnknown reset" });
    expect(connects("resend-bun")).toEqual({ count: 1, reused: [true] });
  }, RUN_MS);

  it("workerd: one connect, reported as OutcomeUnknown", async () => {
    const res = await fetch(`${workerd.url}/keepalive?server=${encodeURIComponent(server.url)}&token=resend-workerd`, { method: "POST", signal: AbortSignal.timeout(RUN_MS) });
    expect(await res.json()).toEqual({ read: "ok", connect: "OutcomeUnknown reset" });
    expect(connects("resend-workerd").count).toBe(1);
  }, RUN_MS);
});
