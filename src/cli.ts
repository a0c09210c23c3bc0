/**
 * `wacall explain`: classify an error payload pasted from a log; `wacall dev` (in `./dev/`): a
 * fake Calling API with a browser console. Reads a file or standard input
 * (a raw HTTP body, optionally with the status line and headers, a Graph error envelope, a bare
 * or webhook error object, or a whole webhook delivery) and prints, for each error, what it is,
 * what it means, what to do and whether and when to retry.
 *
 * @module
 */
import { createReadStream } from "node:fs";
import { catalog } from "./catalog.js";
import type { GraphError } from "./errors.js";
import { redact } from "./internal/redact.js";
import { classify } from "./cli-input.js";

/** What the CLI reads and writes; injectable for tests. */
export interface CliIo {
  /** Reads standard input; may stop after `maxBytes` + 1 bytes (the CLI refuses more anyway). */
  readonly readStdin: (maxBytes: number) => Promise<string>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** For `wacall dev`: resolves when it should stop (Ctrl-C, SIGTERM). Without it, `dev` stops at once. */
  readonly untilStopped?: () => Promise<void>;
  /** Environment variables (`WACALL_APP_SECRET`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The largest input `wacall explain` reads: 10 MiB, far above any error body or webhook delivery. */
export const inputLimit = 10 * 1024 * 1024;

/** Longest field printed in text mode, and in JSON mode. */
const textFieldLimit = 500;
const jsonFieldLimit = 4096;

/** Most errors explained from one input. */
const maxErrors = 100;

/** Whether a code point is a bidirectional embedding, override or isolate (or a direction mark). */
const isBidi = (c: number) => (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x061c;

/**
 * Removes what a terminal would act on instead of print: ANSI CSI sequences (`ESC [ … final`,
 * C1 CSI), OSC/DCS/SOS/PM/APC strings up to their terminator (BEL or ST), other escapes
 * (`ESC c`, `ESC ( B`), every other C0 and C1 control character but tab and newline, and
 * bidirectional overrides. One pass, no regex: linear in the text.
 *
 * @example
 * printable("\x1b]0;evil\x07ok\x1b[2J"); // "ok"
 */
export function printable(text: string): string {
  let out = "";
  let start = 0; // start of the run of plain characters not yet copied
  let i = 0;
  const n = text.length;
  const skipTo = (j: number) => {
    out += text.slice(start, i);
    i = j;
    start = j;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    const plain = (c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || (c > 0x9f && !isBidi(c));
    if (plain) {
      i++;
      continue;
    }
    let j = i + 1;
    const next = j < n ? text.charCodeAt(j) : -1;
    const csi = c === 0x9b || (c === 0x1b && next === 0x5b);
    const str = c === 0x9d || c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f || (c === 0x1b && (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f));
    if (csi) {
      j = c === 0x1b ? i + 2 : i + 1;
      while (j < n && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x3f) j++; // parameters and intermediates
      if (j < n && text.charCodeAt(j) >= 0x40 && text.charCodeAt(j) <= 0x7e) j++; // final byte
    } else if (str) {
      j = c === 0x1b ? i + 2 : i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x07 || d === 0x9c) {
          j++;
          break;
        }
        if (d === 0x1b) {
          j += j + 1 < n && text.charCodeAt(j + 1) === 0x5c ? 2 : 1;
          break;
        }
        j++;
      }
    } else if (c === 0x1b) {
      // Other escapes: intermediates (ESC ( B, ESC # 8) then one final character (ESC c, ESC 7).
      while (j < n && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
      if (j < n && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x7e) j++;
    }
    skipTo(j);
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Cuts text longer than `max` characters, saying how much was left out. */
function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, cut)}… (${text.length - cut} more characters)`;
}

/** What may be printed of a string from the input: redacted, without control sequences, bounded. */
function shown(text: string, max: number): string {
  return bounded(printable(redact(text)), max);
}

const usage = `Usage: wacall explain [FILE] [--json]
       wacall dev --webhook URL --app-secret SECRET [--port 4010] [--verify-token TOKEN]

Explains WhatsApp Calling API errors. Reads FILE, or standard input when FILE is absent or "-".
Input: a response body (optionally with its status line and headers, as curl -i or curl -v
prints it), a Graph error envelope {"error": {...}}, an error object, or a webhook delivery.

  --json   print the explanation as JSON
  --help   print this help

wacall dev starts a fake Calling API and a browser console on 127.0.0.1 (wacall dev --help).
`;

interface Explanation {
  readonly tag: string;
  readonly code?: number;
  readonly category: string;
  readonly meaning: string;
  readonly action: string;
  readonly retryable: boolean;
  /** The retry advice kind (`backoff`, `at`, `after-current-call`, …). */
  readonly advice: string;
  readonly retryAt?: string;
  readonly fields: Readonly<Record<string, string | number | boolean>>;
}

const rows = new Map<string, (typeof catalog)[number]>(catalog.map((r) => [r.tag, r]));

function explain(e: GraphError): Explanation {
  const row = rows.get(e._tag);
  const meaning =
    row?.summary ??
    (e._tag === "MalformedResponse"
      ? `Not a Graph error: ${e.message}`
      : e._tag === "UnknownCallingError"
        ? "A Calling API code that Meta does not document (or that is newer than this version of wacall)."
        : "A Graph code that wacall does not catalog.");
  const action =
    row?.remediation ??
    (e._tag === "MalformedResponse"
      ? "Look at the snippet: a proxy or an outage answered instead of the Graph API."
      : "Handle it by its retryable flag; report the code if it keeps coming.");
  const fields: Record<string, string | number | boolean> = {};
  const add = (k: string, v: string | number | boolean | undefined) => {
    if (v !== undefined && v !== "") fields[k] = v;
  };
  add("message", e.message);
  add("details", e.details);
  add("subcode", e.subcode);
  add("fbtraceId", e.fbtraceId);
  add("httpStatus", e.httpStatus);
  add("isTransient", e.isTransient);
  add("userTitle", e.userTitle);
  add("userMessage", e.userMessage);
  if (e._tag === "MalformedResponse") {
    add("reason", e.reason);
    add("snippet", e.snippet);
  }
  return {
    tag: e._tag,
    ...(e._tag !== "MalformedResponse" && { code: e.code }),
    category: e.category,
    meaning,
    action,
    retryable: e.retryable,
    advice: e.advice.kind,
    ...(e.retryAt !== undefined && { retryAt: e.retryAt.toISOString() }),
    fields,
  };
}

const adviceText: Readonly<Record<string, string>> = {
  backoff: "backoff: retry the same request later, with backoff",
  at: "at: retry at the time given",
  "after-current-call": "after-current-call: retry once the user's current call has ended",
  "after-permission": "after-permission: only after the user grants call permission",
  "after-fix": "after-fix: only after the request, settings or account are fixed",
  "refresh-token": "refresh-token: only with a new access token",
  never: "never: do not repeat this request",
};

function render(x: Explanation): string {
  const one = (v: string | number | boolean) => shown(String(v), Number.POSITIVE_INFINITY).replace(/\s+/g, " ");
  const field = (v: string | number | boolean) => bounded(one(v), textFieldLimit);
  const retry = x.retryable ? `yes${x.retryAt === undefined ? "" : `, at ${x.retryAt}`}` : x.retryAt === undefined ? "no" : `no (a time was given: ${x.retryAt})`;
  const lines = [
    `${field(x.tag)}${x.code === undefined ? "" : ` (${x.code})`}, category ${field(x.category)}`,
    `  What it means: ${field(x.meaning)}`,
    `  What to do:    ${field(x.action)}`,
    `  Retry:         ${retry}`,
    `  Advice:        ${adviceText[x.advice] ?? x.advice}`,
    ...Object.entries(x.fields).map(([k, v]) => `  ${`${k}:`.padEnd(15)}${field(v)}`),
  ];
  return lines.join("\n");
}

/** The explanation with every string made safe to print as JSON. */
function forJson(x: Explanation): Explanation {
  const safe = (v: string | number | boolean) => (typeof v === "string" ? shown(v, jsonFieldLimit) : v);
  return {
    ...x,
    tag: shown(x.tag, jsonFieldLimit),
    category: shown(x.category, jsonFieldLimit),
    meaning: shown(x.meaning, jsonFieldLimit),
    action: shown(x.action, jsonFieldLimit),
    fields: Object.fromEntries(Object.entries(x.fields).map(([k, v]) => [k, safe(v)])),
  };
}

/** Reads a stream as UTF-8 text, stopping after `maxBytes` + 1 bytes. */
export async function readBounded(stream: AsyncIterable<unknown>, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk instanceof Uint8Array ? chunk : Buffer.alloc(0);
    chunks.push(bytes);
    total += bytes.length;
    if (total > maxBytes) break;
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A message for what went wrong, without control sequences or secrets. */
function describe(e: unknown): string {
  try {
    if (e instanceof Error && "code" in e && e.code === "ENOENT") return "no such file";
    if (e instanceof Error && "code" in e && e.code === "EISDIR") return "it is a directory";
    return shown(e instanceof Error ? e.message : String(e), textFieldLimit);
  } catch {
    return "unreadable error";
  }
}

/**
 * Runs the CLI with the given arguments (without `node` and the script). Returns the exit code:
 * 0 explained, 1 input unreadable, too large or not explainable, 2 usage. Never rejects: whatever
 * goes wrong becomes a message on `err` and an exit code.
 *
 * @example
 * await runCli(["explain", "error.json", "--json"], io);
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(args, io);
  } catch (e) {
    try {
      io.err(`wacall: ${describe(e)}\n`);
    } catch {
      // Nowhere left to report to.
    }
    return 1;
  }
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  if (args[0] === "dev") {
    // Loaded only for `dev`: explaining an error starts no server code.
    const { runDev } = await import("./dev/command.js");
    return runDev(args.slice(1), { out: io.out, err: io.err, untilStopped: io.untilStopped ?? (() => Promise.resolve()), ...(io.env !== undefined && { env: io.env }) });
  }
  if (args.includes("--help") || args.includes("-h")) {
    io.out(usage);
    return 0;
  }
  const [command, ...rest] = args;
  if (command !== "explain") {
    io.err(command === undefined ? usage : `Unknown command "${shown(command, 100)}".\n\n${usage}`);
    return 2;
  }
  const json = rest.includes("--json");
  const unknown = rest.find((a) => a !== "--json" && a !== "-" && a.startsWith("-"));
  if (unknown !== undefined) {
    // Only a plain option name is echoed: a stray argument could be a pasted token.
    const name = /^--?[a-z][a-z-]{0,39}$/.test(unknown) ? ` ${unknown}` : "";
    io.err(`wacall explain: unknown option${name}; the options are --json and --help.\n\n${usage}`);
    return 2;
  }
  const files = rest.filter((a) => a !== "--json");
  if (files.length > 1) {
    io.err(`wacall explain: give one file at most (none or - reads standard input).\n\n${usage}`);
    return 2;
  }
  const file = files[0];
  const source = file === undefined || file === "-" ? "standard input" : shown(file, 200);
  let text: string;
  try {
    text = file === undefined || file === "-" ? await io.readStdin(inputLimit) : await readBounded(createReadStream(file), inputLimit);
  } catch (e) {
    io.err(`wacall explain: cannot read ${source}: ${describe(e)}\n`);
    return 1;
  }
  if (text.length > inputLimit || Buffer.byteLength(text, "utf8") > inputLimit) {
    io.err(`wacall explain: ${source} is larger than ${inputLimit / 1024 / 1024} MiB; paste only the error body or the webhook delivery.\n`);
    return 1;
  }
  if (text.trim() === "") {
    io.err(`wacall explain: ${source} is empty; paste an error body or a webhook delivery.\n`);
    return 1;
  }
  let explained: { errors: Explanation[]; note?: string };
  try {
    const { errors, note } = classify(text);
    const notes = [
      ...(note === undefined ? [] : [note]),
      ...(errors.length > maxErrors ? [`${errors.length - maxErrors} more error(s) not shown.`] : []),
    ];
    explained = { errors: errors.slice(0, maxErrors).map(explain), ...(notes.length > 0 && { note: notes.join(" ") }) };
  } catch (e) {
    io.err(`wacall explain: cannot explain ${source}: ${describe(e)}\n`);
    return 1;
  }
  const { errors, note } = explained;
  if (json) io.out(`${JSON.stringify({ errors: errors.map(forJson), ...(note !== undefined && { note: shown(note, jsonFieldLimit) }) }, null, 2)}\n`);
  else io.out(`${[...errors.map(render), ...(note === undefined ? [] : [bounded(shown(note, Number.POSITIVE_INFINITY).replace(/\s+/g, " "), textFieldLimit)])].join("\n\n")}\n`);
  return 0;
}
