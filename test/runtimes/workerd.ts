/**
 * workerd for the smoke suite: worker-entry.ts bundled with esbuild into one ES module, served by
 * a generated Cap'n Proto config on 127.0.0.1 (port 0, read back through `--control-fd`), with
 * outbound `fetch` allowed to loopback addresses only.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { build } from "esbuild";
import { binary, root } from "./processes.js";

/** A running workerd. */
export interface Workerd {
  readonly url: string;
  /** What workerd printed so far. */
  readonly log: () => string;
  stop(): Promise<void>;
}

const config = (compatibilityDate: string) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smoke),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const smoke :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${compatibilityDate}",
  globalOutbound = "loopback",
);
`;

/** Bundles the worker and starts workerd; rejects (after killing it) if it is not listening within `timeoutMs`. */
export async function startWorkerd(timeoutMs = 20_000, compatibilityDate = "2026-11-01"): Promise<Workerd> {
  const bin = binary("workerd");
  const dir = await mkdtemp(join(tmpdir(), "wacall-workerd-"));
  await build({
    entryPoints: [join(root, "test/runtimes/worker-entry.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    outfile: join(dir, "worker.js"),
    logLevel: "silent",
  });
  await writeFile(join(dir, "config.capnp"), config(compatibilityDate));
  const child = spawn(bin, ["serve", join(dir, "config.capnp"), "--control-fd", "3"], { cwd: dir, stdio: ["ignore", "pipe", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => void (log += d.toString("utf8")));
  child.stderr?.on("data", (d: Buffer) => void (log += d.toString("utf8")));
  // A last resort: whatever happens to the test, workerd does not outlive two minutes.
  const reaper = setTimeout(() => child.kill("SIGKILL"), 120_000);
  reaper.unref();
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const stop = async () => {
    clearTimeout(reaper);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const control = child.stdio[3] as Readable;
  const port = await new Promise<number | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    let buffered = "";
    control.on("data", (d: Buffer) => {
      buffered += d.toString("utf8");
      for (const line of buffered.split("\n")) {
        try {
          const m = JSON.parse(line) as { event?: string; socket?: string; port?: number };
          if (m.event === "listen" && m.socket === "http" && typeof m.port === "number") {
            clearTimeout(timer);
            resolve(m.port);
          }
        } catch {
          // An incomplete line: wait for the rest.
        }
      }
    });
    child.on("close", () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (port === undefined) {
    await stop();
    throw new Error(`workerd did not start listening within ${timeoutMs} ms:\n${log.slice(0, 4000)}`);
  }
  return { url: `http://127.0.0.1:${port}`, log: () => log, stop };
}
