/**
 * The packed package, as an app gets it: publint and Are the Types Wrong are clean; every subpath
 * loads with `import` and with `require` (Node >= 20.19); the published types compile with
 * skipLibCheck off under TypeScript 5.7 (the documented minimum), 5.9 and 7; a consumer runs
 * against both ends of the neverthrow peer range; `wacall/testing` needs no fast-check.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { publint } from "publint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compilers, consumer, manifest, node, pack, removeDir, root, run, stagePackage, subpaths, tempDir } from "./pack.js";

let dir: string | undefined;
let stage = "";
let tarball = "";

beforeAll(async () => {
  dir = await tempDir("package");
  stage = await stagePackage(dir);
  tarball = await pack(stage, dir);
}, 180_000);
afterAll(() => removeDir(dir));

const fixture = (name: string) => readFile(join(root, "test/package/consumer", name), "utf8");

/** Links every peer, optional ones included, to the given neverthrow. */
const peers = (neverthrow: string): Record<string, string> => ({
  neverthrow,
  "fast-check": "fast-check",
  "@opentelemetry/api": "@opentelemetry/api",
  "@types/node": "@types/node",
});

/** `import * as` of every public subpath, each printed with its number of exports. */
const everySubpath = (): string =>
  [
    ...subpaths.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};`),
    `console.log(JSON.stringify({ ${subpaths.map((s, i) => `${JSON.stringify(s)}: Object.keys(m${i}).length`).join(", ")} }));`,
  ].join("\n");

const tsconfig = (moduleResolution: "nodenext" | "bundler") =>
  JSON.stringify({
    compilerOptions: {
      target: "es2022",
      lib: ["es2022", "dom"],
      module: moduleResolution === "bundler" ? "esnext" : "nodenext",
      moduleResolution,
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      // Every declaration file is checked, the package's and its peers'; TypeScript's own lib
      // files are not what wacall publishes.
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      types: ["node"],
      outDir: "out",
    },
    files: ["app.ts", "every.ts"],
  });

/** A consumer of the tarball with the given neverthrow (a directory name in node_modules). */
async function app(neverthrow: string, moduleResolution: "nodenext" | "bundler" = "nodenext"): Promise<string> {
  const at = await tempDir("consumer");
  return consumer(at, tarball, peers(neverthrow), { "app.ts": await fixture("app.ts"), "every.ts": everySubpath(), "tsconfig.json": tsconfig(moduleResolution) });
}

/** The lower bound of a `>=A <B` range, and its exclusive upper major. */
function range(spec: string): { readonly lowest: string; readonly belowMajor: number } {
  const m = /^>=(\d+\.\d+\.\d+) <(\d+)$/.exec(spec);
  if (m === null) throw new Error(`unexpected peer range ${spec}`);
  return { lowest: m[1] as string, belowMajor: Number(m[2]) };
}
const versionOf = async (pkg: string): Promise<string> => (JSON.parse(await readFile(join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

describe("the packed package", () => {
  it("holds the build, the README, the changelog and the license, and no sources or tests", async () => {
    const listed = await run("tar", ["-tzf", tarball]);
    const files = listed.stdout.split("\n").filter(Boolean);
    for (const f of ["package/package.json", "package/README.md", "package/CHANGELOG.md", "package/LICENSE", "package/dist/index.js", "package/dist/index.d.ts"]) expect(files).toContain(f);
    expect(files.filter((f) => !f.startsWith("package/dist/") && !/^package\/(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(f))).toEqual([]);
  });

  it("publint finds nothing to say", async () => {
    const bytes = await readFile(tarball);
    const { messages } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }, level: "suggestion", strict: true });
    expect(messages.map((m) => `${m.type} ${m.code} ${m.path.join(".")}`)).toEqual([]);
  });

  it("Are the Types Wrong (ESM-only profile) finds no problem in any subpath", async () => {
    const attw = await node([join(root, "node_modules/@arethetypeswrong/cli/dist/index.js"), tarball, "--profile", "esm-only", "--format", "json"], root, 120_000);
    const report = JSON.parse(attw.stdout) as { analysis: { entrypoints: Record<string, unknown> } };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(Object.keys(manifest.exports).filter((k) => manifest.exports[k] !== null).sort());
    // The exit code says whether a problem counts under the profile (node10 and CJS-from-ESM do not).
    expect(attw.code, attw.stdout.slice(0, 2000)).toBe(0);
  }, 120_000);
});

describe("node-redis is an optional peer, tested at each major of its range", () => {
  it("the range's lowest major is installed as redis5 and its highest as redis (the Redis suites run both)", async () => {
    const { lowest, belowMajor } = range(manifest.peerDependencies?.["redis"] ?? "");
    expect(manifest.dependencies?.["redis"]).toBeUndefined();
    expect((await versionOf("redis5")).split(".")[0]).toBe(lowest.split(".")[0]);
    expect(Number((await versionOf("redis")).split(".")[0])).toBe(belowMajor - 1);
  });
});

describe("neverthrow is a peer dependency, tested at both ends of its range", () => {
  it("is a peer (one copy in an app), not a dependency, and the repository tests the range's ends", async () => {
    const { lowest, belowMajor } = range(manifest.peerDependencies?.["neverthrow"] ?? "");
    expect(manifest.dependencies?.["neverthrow"]).toBeUndefined();
    expect(await versionOf("neverthrow-lowest")).toBe(lowest);
    const highest = await versionOf("neverthrow");
    expect(Number(highest.split(".")[0])).toBe(belowMajor - 1);
  });

  for (const [end, pkg] of [["lowest", "neverthrow-lowest"], ["highest", "neverthrow"]] as const) {
    it(`a consumer on the ${end} neverthrow type-checks under TypeScript 7 and runs: results compose, one ResultAsync class`, async () => {
      const at = await app(pkg);
      try {
        const compiled = await node([compilers["TypeScript 7"], "-p", "."], at, 120_000);
        expect(compiled.stdout + compiled.stderr).toBe("");
        const ran = await node(["out/app.js"], at);
        expect(ran.stderr).toBe("");
        expect(JSON.parse(ran.stdout)).toEqual({ matched: "ask:138006", sameClass: true, placed: true, webhook: { status: 200, events: ["CallConnect"] } });
        const every = await node(["out/every.js"], at);
        const counts = JSON.parse(every.stdout) as Record<string, number>;
        expect(Object.keys(counts)).toEqual(subpaths);
        for (const s of subpaths) expect(counts[s], s).toBeGreaterThan(0);
      } finally {
        await removeDir(at);
      }
    }, 120_000);
  }
});

// TypeScript 7 compiles the consumers above with both ends of neverthrow; the older compilers,
// slower, each take one end (concurrently), and TypeScript 7 also checks a bundler-resolution app.
describe.concurrent("the published types, with skipLibCheck off", () => {
  const cases = [
    ["TypeScript 5.7", "neverthrow-lowest", "nodenext"],
    ["TypeScript 5.9", "neverthrow", "nodenext"],
    ["TypeScript 7", "neverthrow", "bundler"],
  ] as const;
  for (const [name, pkg, resolution] of cases) {
    it(`${name}, neverthrow ${pkg === "neverthrow" ? "highest" : "lowest"}, moduleResolution ${resolution}: a consumer importing every subpath compiles`, async () => {
      const at = await app(pkg, resolution);
      try {
        const checked = await node([compilers[name], "-p", ".", "--noEmit"], at, 150_000);
        expect(checked.stdout + checked.stderr).toBe("");
      } finally {
        await removeDir(at);
      }
    }, 180_000);
  }
});

describe("loading", () => {
  it("every subpath loads with require() from CommonJS (require(esm), Node >= 20.19)", async () => {
    const at = await consumer(await tempDir("require"), tarball, peers("neverthrow"), { "require.cjs": await fixture("require.cjs") });
    try {
      const ran = await node(["require.cjs", JSON.stringify(subpaths)], at);
      expect(ran.code, ran.stderr).toBe(0);
      const out = JSON.parse(ran.stdout) as { loaded: Record<string, number>; tag: string };
      expect(Object.keys(out.loaded)).toEqual(subpaths);
      for (const s of subpaths) expect(out.loaded[s], s).toBeGreaterThan(0);
      expect(out.tag).toBe("CallPermissionNotFound");
    } finally {
      await removeDir(at);
    }
  }, 60_000);

  it("wacall/testing loads and serves without fast-check; only wacall/testing/arbitraries needs it", async () => {
    const links = peers("neverthrow");
    delete links["fast-check"];
    const at = await consumer(await tempDir("no-fast-check"), tarball, links, { "no-fast-check.mjs": await fixture("no-fast-check.mjs") });
    try {
      const ran = await node(["no-fast-check.mjs"], at);
      expect(ran.stderr).toBe("");
      expect(JSON.parse(ran.stdout)).toEqual({ fastCheck: "ERR_MODULE_NOT_FOUND", up: true, arbitraries: "ERR_MODULE_NOT_FOUND: fast-check" });
      // Its types need no fast-check either.
      await writeFile(join(at, "t.ts"), 'import { startFakeCallingApi, delivery } from "wacall/testing";\nexport const f = [startFakeCallingApi, delivery];\n');
      await writeFile(join(at, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "nodenext", strict: true, skipLibCheck: false, types: ["node"], lib: ["es2022", "dom"], noEmit: true }, files: ["t.ts"] }));
      const checked = await node([compilers["TypeScript 7"], "-p", "."], at, 120_000);
      expect(checked.stdout + checked.stderr).toBe("");
    } finally {
      await removeDir(at);
    }
  }, 60_000);
});
