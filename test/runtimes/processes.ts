/**
 * Runtimes as child processes for the smoke suite: where their binaries are (installed from npm
 * as devDependencies), and a bounded run that kills the process on timeout.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = fileURLToPath(new URL("../../", import.meta.url));

/** The path of an npm-installed binary; a missing one is an error, never a skip. */
export function binary(name: "bun" | "deno" | "workerd"): string {
  const path = fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${name} is not installed at ${path}: run npm ci (it is a devDependency)`);
  return path;
}

/** How a bounded run ended. */
export interface Finished {
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

const LIMIT = 1_000_000;

/** Runs a command to its end, or kills it (SIGKILL) after `timeoutMs`. Never rejects. */
export function run(command: string, args: readonly string[], timeoutMs: number): Promise<Finished> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      if (stdout.length < LIMIT) stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < LIMIT) stderr += d.toString("utf8");
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: null, timedOut, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stdout, stderr });
    });
  });
}

/** The JSON printed on the `RESULT ` line of a run; throws with the run's output when there is none. */
export function resultOf(f: Finished): unknown {
  const line = f.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (line === undefined) throw new Error(`no result (exit ${String(f.code)}${f.timedOut ? ", killed on timeout" : ""})\nstdout: ${f.stdout.slice(0, 2000)}\nstderr: ${f.stderr.slice(0, 2000)}`);
  return JSON.parse(line.slice("RESULT ".length));
}

/** Deno's flags: TypeScript sources with `.js` import suffixes, loopback network only. */
export const denoRun = ["run", "--sloppy-imports", "--no-prompt", "--allow-net=127.0.0.1", `--allow-read=${root}`, "--allow-env"];
