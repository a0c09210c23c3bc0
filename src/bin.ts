#!/usr/bin/env node
/** The `wacall` command: see {@link runCli}. */
import { readBounded, runCli } from "./cli.js";

// A reader that went away (`wacall explain x | head -1`) is not a crash.
process.stdout.on("error", () => undefined);
process.stderr.on("error", () => undefined);

process.exitCode = await runCli(process.argv.slice(2), {
  readStdin: (maxBytes) => readBounded(process.stdin, maxBytes),
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  // Listened to only when `wacall dev` asks: `explain` keeps the default Ctrl-C.
  untilStopped: () =>
    new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    }),
  env: { WACALL_APP_SECRET: process.env["WACALL_APP_SECRET"] },
});
