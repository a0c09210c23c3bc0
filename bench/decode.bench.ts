/**
 * `npm run bench`: decoder cost against JSON.parse (the floor) and against the same
 * classification written with zod 4 and valibot, all measured in this one process.
 */
import os from "node:os";
import { isDeepStrictEqual } from "node:util";
import { do_not_optimize, measure } from "mitata";
import { decodeGraphError } from "../src/index.js";
import { jsonBodies, nonJsonBodies } from "./corpus.js";
import { mayTrigger } from "../src/internal/redact.js";
import { lookupCode } from "../src/internal/lookup.js";
import { decodeWithValibot, decodeWithZod, validateWithValibot, validateWithZod } from "./schema-decoders.js";

type Case = { name: string; fn: () => void; per: number };

// A fixed clock, so a retry time found in the past resolves to the same instant in every version.
const at = Date.UTC(2026, 10, 29);
const ok = { status: 400, clock: () => at };
const bad = { status: 502, clock: () => at };

// The schema versions must build exactly what wacall builds, on every body of the corpus.
for (const [body, ctx] of [...jsonBodies.map((b) => [b, ok] as const), ...nonJsonBodies.map((b) => [b, bad] as const)]) {
  const expected = decodeGraphError(body, ctx);
  for (const [name, got] of [["zod", decodeWithZod(body, ctx)], ["valibot", decodeWithValibot(body, ctx)]] as const) {
    if (!isDeepStrictEqual(got, expected)) throw new Error(`the ${name} version differs from wacall on ${body.slice(0, 60)}: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`);
  }
}
console.log(`check: the zod and valibot versions give values deep-equal to wacall's on all ${jsonBodies.length + nonJsonBodies.length} bodies`);

/**
 * References for where the time goes, not decoders: the screen in front of the redaction patterns
 * run on every string of the parsed body (the least a decoder that redacts every decoded string
 * does on top of JSON.parse), and the members read and a value built with no redaction at all
 * (unsafe: the floor of the value wacall builds).
 */
function screenEveryString(v: unknown): boolean {
  if (typeof v === "string") return mayTrigger(v);
  if (typeof v !== "object" || v === null) return false;
  for (const key in v) if (screenEveryString((v as Record<string, unknown>)[key])) return true;
  return false;
}
const frozenNever = Object.freeze({ kind: "never" });
function unsafeBuild(text: string): unknown {
  const e = (JSON.parse(text) as { error: Record<string, unknown> }).error;
  // Members read in one for...in pass: lookups by name are slower on objects of varying shapes.
  let message, code, data, subcode, trace, transient, userTitle, userMessage;
  for (const k in e) {
    switch (k) {
      case "message": message = e[k]; break;
      case "code": code = e[k]; break;
      case "error_data": data = e[k]; break;
      case "error_subcode": subcode = e[k]; break;
      case "fbtrace_id": trace = e[k]; break;
      case "is_transient": transient = e[k]; break;
      case "error_user_title": userTitle = e[k]; break;
      case "error_user_msg": userMessage = e[k]; break;
    }
  }
  const c = Number(code);
  const row = lookupCode(c, undefined);
  const out: Record<string, unknown> = { _tag: row?.tag ?? "UnknownGraphError", category: row?.category ?? "unknown", code: c };
  out["message"] = message;
  const details = typeof data === "object" && data !== null ? (data as Record<string, unknown>)["details"] : data;
  if (details !== undefined) out["details"] = details;
  if (subcode !== undefined) out["subcode"] = subcode;
  if (trace !== undefined) out["fbtraceId"] = trace;
  out["httpStatus"] = 400;
  if (transient !== undefined) out["isTransient"] = transient;
  if (userTitle !== undefined) out["userTitle"] = userTitle;
  if (userMessage !== undefined) out["userMessage"] = userMessage;
  out["retryable"] = false;
  out["advice"] = frozenNever;
  out["raw"] = e;
  return out;
}

const json: Case[] = [
  { name: "JSON.parse alone (floor)", per: jsonBodies.length, fn: () => { for (const b of jsonBodies) do_not_optimize(JSON.parse(b)); } },
  { name: "wacall decodeGraphError", per: jsonBodies.length, fn: () => { for (const b of jsonBodies) do_not_optimize(decodeGraphError(b, ok)); } },
  { name: "ref: JSON.parse + screen of every string", per: jsonBodies.length, fn: () => { for (const b of jsonBodies) do_not_optimize(screenEveryString(JSON.parse(b))); } },
  { name: "ref: JSON.parse + value built, no redaction", per: jsonBodies.length, fn: () => { for (const b of jsonBodies) do_not_optimize(unsafeBuild(b)); } },
  { name: "zod 4: validation only", per: jsonBodies.length, fn: () => { for (const b of jsonBodies) do_not_optimize(validateWithZod(b)); } },
  { name: "valibot: validation only", per: jsonBodies.length, fn: () => { for (const b of jsonBodies) do_not_optimize(validateWithValibot(b)); } },
  { name: "zod 4: validation + same classification", per: jsonBodies.length, fn: () => { for (const b of jsonBodies) do_not_optimize(decodeWithZod(b, ok)); } },
  { name: "valibot: validation + same classification", per: jsonBodies.length, fn: () => { for (const b of jsonBodies) do_not_optimize(decodeWithValibot(b, ok)); } },
];

const nonJson: Case[] = [
  {
    name: "try { JSON.parse } catch (floor of throwing)",
    per: nonJsonBodies.length,
    fn: () => {
      for (const b of nonJsonBodies) {
        try {
          do_not_optimize(JSON.parse(b));
        } catch (e) {
          do_not_optimize(e);
        }
      }
    },
  },
  { name: "wacall decodeGraphError", per: nonJsonBodies.length, fn: () => { for (const b of nonJsonBodies) do_not_optimize(decodeGraphError(b, bad)); } },
  { name: "zod 4: validation + same classification", per: nonJsonBodies.length, fn: () => { for (const b of nonJsonBodies) do_not_optimize(decodeWithZod(b, bad)); } },
];

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Measures every case once per round, rounds interleaved, and reports the median ns/op and the
 * median of the per-round ratios to the floor (the first case): on a shared, noisy machine a
 * ratio taken within one round is steadier than two absolute numbers taken apart.
 */
async function section(title: string, cases: Case[]): Promise<number[]> {
  console.log(`\n${title}, median of ${ROUNDS} interleaved rounds`);
  const ns: number[][] = cases.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, c] of cases.entries()) {
      const stats = await measure(c.fn, { min_cpu_time: 200e6 });
      ns[i]?.push(stats.avg / c.per);
    }
  }
  const ratios = cases.map((_, i) => median((ns[i] ?? []).map((v, r) => v / (ns[0]?.[r] ?? 1))));
  cases.forEach((c, i) => {
    console.log(`  ${c.name.padEnd(48)} ${median(ns[i] ?? []).toFixed(0).padStart(7)} ns/op   ${(ratios[i] ?? 0).toFixed(2)}x floor`);
  });
  return ratios;
}

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"} (${os.cpus().length} cores), ${new Date().toISOString()}`);
const j = await section(`JSON error envelopes (${jsonBodies.length} bodies, ns per body)`, json);
const n = await section(`Non-JSON bodies: HTML, proxy text, truncated JSON (${nonJsonBodies.length} bodies, ns per body)`, nonJson);

const [, wacall, screenRef, buildRef, zodOnly, valibotOnly, zod, valibot] = j as [number, number, number, number, number, number, number, number];
const [, wacallBad] = n as [number, number];
console.log("\nTargets (median ratios)");
console.log(`  wacall / JSON.parse on envelopes:             ${wacall.toFixed(2)}x (target <= 1.3x)`);
console.log(`  references / JSON.parse: screen of every string ${screenRef.toFixed(2)}x, value built without redaction ${buildRef.toFixed(2)}x`);
console.log(`  validation only / JSON.parse: zod ${zodOnly.toFixed(2)}x, valibot ${valibotOnly.toFixed(2)}x`);
console.log(`  validation + same classification / wacall:   zod ${(zod / wacall).toFixed(2)}x, valibot ${(valibot / wacall).toFixed(2)}x`);
console.log(`  wacall on non-JSON / throwing JSON.parse:     ${wacallBad.toFixed(2)}x (smaller is better)`);
