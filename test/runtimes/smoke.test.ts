/**
 * The runtime matrix: the smoke checks of smoke.ts on Node (in this process), Bun, Deno and
 * workerd (each a real runtime installed from npm), against servers this process starts on
 * 127.0.0.1. A missing runtime fails; every run is bounded in time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphServer, refusedUrl, type GraphServer } from "./graph-server.js";
import { binary, denoRun, resultOf, run } from "./processes.js";
import { checkNames, runSmoke, type CheckName, type SmokeInput, type SmokeReport } from "./smoke.js";
import { startWorkerd, type Workerd } from "./workerd.js";

const runtimes = ["node", "bun", "deno", "workerd"] as const;
type Runtime = (typeof runtimes)[number];

const RUN_MS = 30_000;

/**
 * Checks a runtime cannot pass, with the exact result it gives instead. workerd rejects every
 * failed `fetch` with the same `Error("Network connection lost.")`, a refused connection as a
 * reset one (cloudflare/workerd#7195), so nothing proves that `connect` was not sent: it ends in
 * `OutcomeUnknown`, never retried (reads are still retried).
 */
const limitations: Partial<Record<Runtime, Partial<Record<CheckName, RegExp>>>> = {
  workerd: { "client-refused": /^OutcomeUnknown cause=reset attempts=1: / },
};

let server: GraphServer;
let workerd: Workerd | undefined;
const reports = new Map<Runtime, SmokeReport | Error>();

async function smokeOn(runtime: Runtime, input: SmokeInput): Promise<SmokeReport> {
  // Deno runs the client through the fetch its README section recommends (resend.test.ts shows why).
  const job = JSON.stringify({ mode: "smoke", remedy: runtime === "deno", ...input });
  switch (runtime) {
    case "node":
      return runSmoke(input);
    case "bun":
      return resultOf(await run(binary("bun"), ["test/runtimes/cli-entry.ts", job], RUN_MS)) as SmokeReport;
    case "deno":
      return resultOf(await run(binary("deno"), [...denoRun, "test/runtimes/cli-entry.ts", job], RUN_MS)) as SmokeReport;
    case "workerd": {
      if (workerd === undefined) throw new Error("workerd did not start");
      const res = await fetch(`${workerd.url}/smoke`, { method: "POST", body: JSON.stringify(input), signal: AbortSignal.timeout(RUN_MS) });
      if (res.status !== 200) throw new Error(`workerd answered ${res.status}: ${await res.text()}\n${workerd.log().slice(0, 2000)}`);
      return (await res.json()) as SmokeReport;
    }
  }
}

beforeAll(async () => {
  server = await startGraphServer();
  const refused = await refusedUrl();
  workerd = await startWorkerd().catch((e: unknown) => {
    reports.set("workerd", e instanceof Error ? e : new Error(String(e)));
    return undefined;
  });
  await Promise.all(
    runtimes.map(async (runtime) => {
      if (reports.has(runtime)) return;
      try {
        reports.set(runtime, await smokeOn(runtime, { server: server.url, refused, token: `smoke-${runtime}` }));
      } catch (e) {
        reports.set(runtime, e instanceof Error ? e : new Error(String(e)));
      }
    }),
  );
  // The matrix and each runtime's own fetch failures, for the CI log.
  const rows = runtimes.map((r) => {
    const rep = reports.get(r);
    return `${r.padEnd(8)} ${checkNames.map((c) => (rep instanceof Error || rep === undefined ? "ERR " : rep.checks[c].ok ? "pass" : limitations[r]?.[c]?.test(rep.checks[c].detail) === true ? "LIMIT" : "FAIL")).join(" ")}`;
  });
  console.log([`runtime  ${checkNames.join(" | ")}`, ...rows].join("\n"));
  for (const r of runtimes) {
    const rep = reports.get(r);
    console.log(`${r} fetch failures: ${rep instanceof Error ? rep.message : JSON.stringify(rep?.shapes)}`);
  }
}, 90_000);

afterAll(async () => {
  await workerd?.stop();
  await server?.close();
});

describe.each(runtimes)("%s", (runtime) => {
  const report = (): SmokeReport => {
    const r = reports.get(runtime);
    if (r === undefined) throw new Error(`${runtime} produced no report`);
    if (r instanceof Error) throw r;
    return r;
  };

  it.each(checkNames)("%s", (check) => {
    const result = report().checks[check];
    const limitation = limitations[runtime]?.[check];
    if (limitation === undefined) expect(result, `${runtime} ${check}: ${result.detail}`).toMatchObject({ ok: true });
    else expect(result, `${runtime} ${check} (a known limitation; if it passes now, drop it from the list): ${result.detail}`).toMatchObject({ ok: false, detail: expect.stringMatching(limitation) });
  });

  it("the server saw each client request exactly once", () => {
    report();
    const token = `smoke-${runtime}`;
    const calls = (behaviour: string) => server.seen(token, behaviour).filter((r) => r.path.endsWith("/calls")).length;
    expect({ ok: calls("ok"), reset: calls("reset"), hang: calls("hang") }).toEqual({ ok: 1, reset: 1, hang: 1 });
  });
});
