#!/usr/bin/env node
/** The `wacall` command: see {@link runCli}. */
import { runCli } from "./cli.js";

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

process.exitCode = await runCli(process.argv.slice(2), {
  readStdin: () => readAll(process.stdin),
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
});
