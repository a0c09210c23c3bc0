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
  // The main entry points, at today's sizes plus a margin. Smaller targets (6 kB decode + match,
  // 10 kB client, 8 kB webhook) are not reachable as built: the parts below that every decode
  // needs (redaction, the catalog, retry times) are already 8.2 kB together.
  { name: "decodeGraphError + matchError", source: `export { decodeGraphError, matchError } from "wacall";`, gzipMax: 11_800 },
  { name: "createCallingClient", source: `export { createCallingClient } from "wacall/client";`, gzipMax: 22_700 },
  { name: "createWebhookHandler", source: `export { createWebhookHandler } from "wacall/webhook";`, gzipMax: 24_100 },
];

/**
 * The parts an entry point cannot leave out without dropping a promise or a feature, measured
 * alone and together: they set a floor under the entry points' sizes. `{dist}` is the staged
 * package's `dist` (these modules are internal, so they are imported by path).
 */
const parts: readonly Budget[] = [
  {
    name: "redaction (every secret form, bounded copies)",
    source: `export { makeScrubber, redactDeep, redactField, snippetOf } from "{dist}/internal/redact.js"; export { redactJson } from "{dist}/internal/redact-json.js";`,
    gzipMax: 4_000,
  },
  { name: "the catalog (every code, with its summary and remediation)", source: `export { catalog } from "wacall";`, gzipMax: 3_150 },
  { name: "retry times (Retry-After, times in details)", source: `export { computeRetryAt } from "{dist}/retry.js";`, gzipMax: 1_450 },
  {
    name: "decode floor: redaction + catalog + retry times + matchError",
    source: `export { makeScrubber, redactDeep, redactField, snippetOf } from "{dist}/internal/redact.js"; export { redactJson } from "{dist}/internal/redact-json.js"; export { catalog, matchError } from "wacall"; export { computeRetryAt } from "{dist}/retry.js";`,
    gzipMax: 8_600,
  },
  {
    name: "webhook floor: redaction + catalog + verifySignature",
    source: `export { makeScrubber, redactDeep, redactField, snippetOf } from "{dist}/internal/redact.js"; export { redactJson } from "{dist}/internal/redact-json.js"; export { catalog } from "wacall"; export { verifySignature } from "wacall/webhook";`,
    gzipMax: 8_700,
  },
];

let dir: string | undefined;
let app = "";
let dist = "";

beforeAll(async () => {
  dir = await tempDir("bundle");
  const stage = await stagePackage(dir);
  dist = join(stage, "dist");
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
    stdin: { contents: source.replaceAll("{dist}", dist), resolveDir: app, loader: "js" },
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

describe("what the promises cost: parts every entry point needs (esbuild, minified, gzip)", () => {
  const table: string[] = [];
  afterAll(() => {
    console.log(["| part | minified | gzip | budget |", "|---|---:|---:|---:|", ...table].join("\n"));
  });

  for (const p of parts) {
    it(`${p.name}: at most ${p.gzipMax} bytes gzipped`, async () => {
      const m = await measure(p.source);
      table.push(`| ${p.name} | ${m.minified} | ${m.gzip} | ${p.gzipMax} |`);
      expect(m.gzip, `${p.name}: ${m.gzip} bytes gzipped; modules (minified bytes): ${m.modules.join(", ")}`).toBeLessThanOrEqual(p.gzipMax);
      // A part that bundles to nothing would make the floor meaningless.
      expect(m.gzip).toBeGreaterThan(500);
    }, 30_000);
  }
});
