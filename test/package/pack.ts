/**
 * Builds and packs wacall the way `npm pack` in a clone does, into a temporary directory, and
 * installs the tarball into throwaway consumer projects without the network: the tarball is
 * unpacked into `node_modules/wacall` and the peers a test wants are linked from this
 * repository's `node_modules` (anything not linked is absent, as in a fresh app).
 */
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = fileURLToPath(new URL("../..", import.meta.url));

/** The repository's package.json. */
export const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
  readonly exports: Record<string, unknown>;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>;
};

/** The public subpaths (`wacall`, `wacall/client`, ...), read from the exports map. */
export const subpaths: readonly string[] = Object.entries(manifest.exports)
  .filter(([key, target]) => target !== null && key !== "./package.json" && !key.includes("*"))
  .map(([key]) => (key === "." ? "wacall" : `wacall/${key.slice(2)}`));

/** The compilers the published types are checked with: the documented minimum, 5.9 and the latest. */
export const compilers = {
  "TypeScript 5.7": join(root, "node_modules/typescript57/bin/tsc"),
  "TypeScript 5.9": join(root, "node_modules/typescript5/bin/tsc"),
  "TypeScript 7": join(root, "node_modules/typescript/bin/tsc"),
} as const;

/** What a finished process printed. */
export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to the end (killed after `timeoutMs`), never rejecting. */
export function run(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `node` with this process's binary. */
export const node = (args: readonly string[], cwd: string, timeoutMs = 30_000): Promise<Ran> => run(process.execPath, args, { cwd, timeoutMs });

/** A fresh temporary directory (outside the repository, so nothing resolves from its node_modules). */
export const tempDir = (prefix: string): Promise<string> => mkdtemp(join(tmpdir(), `wacall-${prefix}-`));

/** Removes a temporary directory made by {@link tempDir}. */
export const removeDir = (dir: string | undefined): Promise<void> => (dir === undefined ? Promise.resolve() : rm(dir, { recursive: true, force: true }));

/**
 * Compiles `src` with TypeScript 7 into `<dir>/stage/dist` and copies what `files` lists beside it:
 * the directory `npm pack` would pack. Fails (rejects) when the build reports an error.
 */
export async function stagePackage(dir: string): Promise<string> {
  const stage = join(dir, "stage");
  const built = await node([compilers["TypeScript 7"], "-p", join(root, "tsconfig.build.json"), "--outDir", join(stage, "dist")], root, 120_000);
  if (built.code !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
  for (const f of ["package.json", "README.md", "CHANGELOG.md", "LICENSE"]) await cp(join(root, f), join(stage, f));
  return stage;
}

/** `npm pack` of a staged package (lifecycle scripts off: the stage is already built); the tarball's path. */
export async function pack(stage: string, dir: string): Promise<string> {
  const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: stage, timeoutMs: 60_000 });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout) as { filename: string }[];
  if (info === undefined) throw new Error("npm pack printed no file");
  return join(dir, info.filename);
}

/**
 * A consumer project: `package.json` (ESM), the tarball unpacked as `node_modules/wacall`, and a
 * link for each entry of `links` (package name -> directory in this repository's node_modules).
 */
export async function consumer(dir: string, tarball: string, links: Readonly<Record<string, string>>, files: Readonly<Record<string, string>> = {}): Promise<string> {
  const wacall = join(dir, "node_modules", "wacall");
  await mkdir(wacall, { recursive: true });
  const untar = await run("tar", ["-xzf", tarball, "-C", wacall, "--strip-components=1"]);
  if (untar.code !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  for (const [name, from] of Object.entries(links)) {
    const at = join(dir, "node_modules", name);
    await mkdir(dirname(at), { recursive: true });
    await symlink(join(root, "node_modules", from), at, "dir");
  }
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}
