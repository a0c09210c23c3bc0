/**
 * Compile-time benchmark: N exhaustive matches over `CallingError`, written as a `switch`, with
 * `matchError`, with `matchError`'s previous two-overload signature, and with ts-pattern's
 * `.exhaustive()`. Each variant is one generated file checked by the repository's `tsc
 * --extendedDiagnostics`; the table shows the median check time, the type instantiations and the
 * memory, and what each adds to a baseline file with N functions that match nothing.
 *
 * Run: `npx tsx bench/types/run.ts` (`BENCH_N=100`, `BENCH_ROUNDS=3`).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { catalog } from "../../src/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const n = Number(process.env["BENCH_N"] ?? 100);
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3);
// Under node_modules, so that "ts-pattern" resolves and nothing lands in the repository.
const dir = join(root, "node_modules/.cache/wacall-type-bench");

const tags = [...catalog.filter((r) => r.family === "calling").map((r) => r.tag), "UnknownCallingError"];

const previousSignature = `
import type { Handlers, PartialHandlers, Tagged } from "wacall";
type NoExtraKeys<H, Allowed extends PropertyKey> = { readonly [K in Exclude<keyof H, Allowed>]: never };
type HandlerResult<H> = { [K in keyof H]: H[K] extends (...args: never[]) => infer R ? R : never }[keyof H];
declare function previousMatch<E extends Tagged, const H extends Handlers<E, unknown>>(error: E, handlers: H & NoExtraKeys<H, E["_tag"]>): HandlerResult<H>;
declare function previousMatch<E extends Tagged, const H extends PartialHandlers<E, unknown>>(error: E, handlers: H & NoExtraKeys<H, E["_tag"] | "_">): HandlerResult<H>;
`;

/** Each variant: the file's header and the body of match number `i` over `e: CallingError`. */
const variants: Record<string, { header: string; body: (i: number) => string }> = {
  "baseline (no match)": { header: "", body: (i) => `return e.code ?? ${i};` },
  switch: {
    header: "",
    body: (i) => `switch (e._tag) {\n${tags.map((t, k) => `    case "${t}": return ${i + k};`).join("\n")}\n  }`,
  },
  matchError: {
    header: 'import { matchError } from "wacall";',
    body: (i) => `return matchError(e, {\n${tags.map((t, k) => `    ${t}: () => ${i + k},`).join("\n")}\n  });`,
  },
  "matchError, previous 2 overloads": {
    header: previousSignature,
    body: (i) => `return previousMatch(e, {\n${tags.map((t, k) => `    ${t}: () => ${i + k},`).join("\n")}\n  });`,
  },
  "ts-pattern .exhaustive()": {
    header: 'import { match } from "ts-pattern";',
    body: (i) => `return match(e)\n${tags.map((t, k) => `    .with({ _tag: "${t}" }, () => ${i + k})`).join("\n")}\n    .exhaustive();`,
  },
};

interface Measure {
  checkS: number;
  instantiations: number;
  memoryMB: number;
}

function generate(name: string, v: { header: string; body: (i: number) => string }): string {
  const sub = join(dir, name.replace(/[^a-z0-9]+/gi, "-"));
  mkdirSync(sub, { recursive: true });
  const fns = Array.from({ length: n }, (_, i) => `export function m${i}(e: CallingError): number {\n  ${v.body(i)}\n}`);
  writeFileSync(join(sub, "matches.mts"), [v.header, 'import type { CallingError } from "wacall";', ...fns].join("\n"));
  writeFileSync(join(sub, "tsconfig.json"), JSON.stringify({ extends: join(root, "tsconfig.json"), include: ["matches.mts"] }));
  return join(sub, "tsconfig.json");
}

function measure(tsconfig: string): Measure {
  let out: string;
  try {
    out = execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", tsconfig, "--noEmit", "--extendedDiagnostics"], { encoding: "utf8" });
  } catch (e) {
    // A type error in the generated file would make the numbers meaningless.
    const text = typeof e === "object" && e !== null && "stdout" in e ? String((e as { stdout: unknown }).stdout) : String(e);
    console.error(text.split("\n").slice(0, 20).join("\n"));
    process.exit(1);
  }
  const num = (label: string) => Number(/([\d.]+)/.exec(out.split("\n").find((l) => l.startsWith(label)) ?? "")?.[1] ?? Number.NaN);
  return { checkS: num("Check time:"), instantiations: num("Instantiations:"), memoryMB: num("Memory used:") / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

rmSync(dir, { recursive: true, force: true });
const configs = Object.entries(variants).map(([name, v]) => [name, generate(name, v)] as const);
const results = new Map<string, Measure[]>(configs.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  // Rounds interleaved, so that a noisy moment on a shared machine spreads over every variant.
  for (const [name, config] of configs) results.get(name)?.push(measure(config));
}
rmSync(dir, { recursive: true, force: true });

const summary = [...results].map(([name, ms]) => ({
  name,
  checkS: median(ms.map((m) => m.checkS)),
  instantiations: median(ms.map((m) => m.instantiations)),
  memoryMB: median(ms.map((m) => m.memoryMB)),
}));
const base = summary[0];
const pad = (s: string, w: number) => s.padStart(w);
console.log(`tsc ${execFileSync(join(root, "node_modules/.bin/tsc"), ["--version"], { encoding: "utf8" }).trim()}, node ${process.version}, ${cpus()[0]?.model ?? "?"} (${cpus().length} cores), ${new Date().toISOString()}`);
console.log(`${n} exhaustive matches over CallingError (${tags.length} tags), median of ${rounds} interleaved rounds\n`);
console.log(`${"variant".padEnd(34)}${pad("check s", 9)}${pad("+check s", 10)}${pad("instantiations", 16)}${pad("+instantiations", 17)}${pad("memory MB", 11)}${pad("+MB", 7)}`);
for (const s of summary) {
  const d = (a: number, b: number | undefined, digits: number) => (s === base || b === undefined ? "" : (a - b).toFixed(digits));
  console.log(
    `${s.name.padEnd(34)}${pad(s.checkS.toFixed(2), 9)}${pad(d(s.checkS, base?.checkS, 2), 10)}${pad(String(s.instantiations), 16)}${pad(d(s.instantiations, base?.instantiations, 0), 17)}${pad(s.memoryMB.toFixed(0), 11)}${pad(d(s.memoryMB, base?.memoryMB, 0), 7)}`,
  );
}
