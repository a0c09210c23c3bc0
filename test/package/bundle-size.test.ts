/**
 * Bundle budgets: what an app's bundle grows by when it imports a part of wacall, measured on the
 * built package with esbuild (bundle, minify, ESM, neverthrow and node: builtins external) and
 * gzip. A budget that fails means a change made an import pull in more than it should: look at
 * the modules listed in the failure (a module-level call or `new` keeps its whole module).
 */
import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, stagePackage, tempDir } from "./pack.js";

/** One import an app might write, and its budget in gzipped bytes. */
interface Budget {
  readonly name: string;
  readonly source: string;
  readonly gzipMax: number;
}

const budgets: readonly Budget[] = [
  // Single values and functions: a few hundred bytes to a couple of kB.
  { name: "a catalog constant (callingCodeRange)", source: `export { callingCodeRange } from "wacall";`, gzipMax: 200 },
  { name: "isRetryableAdvice", source: `export { isRetryableAdvice } from "wacall";`, gzipMax: 300 },
  { name: "verifySignature", source: `export { verifySignature } from "wacall/webhook";`, gzipMax: 2_000 },
  // The tag sets are built on first use, so matchError alone does not bring the catalog in.
  { name: "matchError", source: `export { matchError } from "wacall";`, gzipMax: 1_000 },
  // The main entry points, at today's sizes plus a margin. The targets are 6 kB (decode + match),
  // 10 kB (client) and 8 kB (webhook); the catalog alone, which decoding needs, is 3 kB.
  { name: "decodeGraphError + matchError", source: `export { decodeGraphError, matchError } from "wacall";`, gzipMax: 10_800 },
  { name: "createCallingClient", source: `export { createCallingClient } from "wacall/client";`, gzipMax: 21_500 },
  { name: "createWebhookHandler", source: `export { createWebhookHandler } from "wacall/webhook";`, gzipMax: 22_500 },
];

let dir: string | undefined;
let app = "";

beforeAll(async () => {
  dir = await tempDir("bundle");
  const stage = await stagePackage(dir);
  app = join(dir, "app");
  await mkdir(join(app, "node_modules"), { recursive: true });
  await symlink(stage, join(app, "node_modules", "wacall"), "dir");
}, 180_000);
afterAll(() => removeDir(dir));

interface Measured {
  readonly minified: number;
  readonly gzip: number;
  /** The package's modules in the bundle, largest first, with their minified bytes. */
  readonly modules: readonly string[];
}

async function measure(source: string): Promise<Measured> {
  const result = await build({
    stdin: { contents: source, resolveDir: app, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    external: ["neverthrow", "node:*"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const [out] = result.outputFiles;
  const [meta] = Object.values(result.metafile.outputs);
  if (out === undefined || meta === undefined) throw new Error("esbuild wrote nothing");
  const modules = Object.entries(meta.inputs)
    .filter(([, i]) => i.bytesInOutput > 0)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .map(([path, i]) => `${path.replace(/^.*\/dist\//, "")} ${i.bytesInOutput}`);
  return { minified: out.contents.length, gzip: gzipSync(out.contents).length, modules };
}

describe("bundle budgets (esbuild, minified, gzip; neverthrow external)", () => {
  const table: string[] = [];
  afterAll(() => {
    console.log(["| import | minified | gzip | budget |", "|---|---:|---:|---:|", ...table].join("\n"));
  });

  for (const b of budgets) {
    it(`${b.name}: at most ${b.gzipMax} bytes gzipped`, async () => {
      const m = await measure(b.source);
      table.push(`| \`${b.source.replace(/^export /, "import ").replace(/;$/, "")}\` | ${m.minified} | ${m.gzip} | ${b.gzipMax} |`);
      expect(m.gzip, `${b.name}: ${m.gzip} bytes gzipped; modules (minified bytes): ${m.modules.join(", ")}`).toBeLessThanOrEqual(b.gzipMax);
    }, 30_000);
  }

  it("neverthrow is never bundled", async () => {
    const m = await measure(`export { createCallingClient } from "wacall/client";`);
    expect(m.modules.filter((p) => p.includes("neverthrow"))).toEqual([]);
  });
});
