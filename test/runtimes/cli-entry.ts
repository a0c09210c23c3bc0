/**
 * Entry point of the smoke suite for runtimes that run TypeScript files (Bun, Deno). Its one
 * argument is a JSON job; it prints one JSON line with the result.
 *
 * @module
 */
import { denoConnectFetch } from "../../examples/deno-connect-fetch.js";
import { keepAliveConnect } from "./keepalive.js";
import { runSmoke, type SmokeInput } from "./smoke.js";

/** What the test process asks for. */
export type Job =
  | ({ readonly mode: "smoke"; readonly remedy: boolean } & SmokeInput)
  | { readonly mode: "keepalive"; readonly server: string; readonly token: string; readonly remedy: boolean };

const host = globalThis as { readonly Deno?: { readonly args: readonly string[] }; readonly process?: { readonly argv: readonly string[] } };
const arg = host.Deno !== undefined ? host.Deno.args[0] : host.process?.argv[2];
const job = JSON.parse(arg ?? "{}") as Job;

/** `remedy`: the client's transport is the `fetch` of examples/deno-connect-fetch.ts. */
const transport = job.remedy ? denoConnectFetch() : undefined;
const result = job.mode === "smoke" ? await runSmoke(job, transport) : await keepAliveConnect(job.server, job.token, transport);
console.log(`RESULT ${JSON.stringify(result)}`);
