/**
 * `wacall explain`: classify an error payload pasted from a log. Reads a file or standard input
 * (a raw HTTP body, optionally with the status line and headers, a Graph error envelope, a bare
 * or webhook error object, or a whole webhook delivery) and prints, for each error, what it is,
 * what it means, what to do and whether and when to retry.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { catalog } from "./catalog.js";
import { decodeGraphError } from "./decode.js";
import type { GraphError } from "./errors.js";
import { isDict, parseJson } from "./internal/json.js";
import { decodeWebhook } from "./webhook/events.js";

/** What the CLI reads and writes; injectable for tests. */
export interface CliIo {
  readonly readStdin: () => Promise<string>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const usage = `Usage: wacall explain [FILE] [--json]

Explains WhatsApp Calling API errors. Reads FILE, or standard input when FILE is absent or "-".
Input: a response body (optionally with the HTTP status line and headers, as curl -i prints it),
a Graph error envelope {"error": {...}}, an error object, or a whole webhook delivery.

  --json   print the explanation as JSON
  --help   print this help
`;

interface Explanation {
  readonly tag: string;
  readonly code?: number;
  readonly category: string;
  readonly meaning: string;
  readonly action: string;
  readonly retryable: boolean;
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
    ...(e.retryAt !== undefined && { retryAt: e.retryAt.toISOString() }),
    fields,
  };
}

/** Splits `HTTP/1.1 429 …` + headers + blank line + body, as `curl -i` prints a response. */
function splitHttp(text: string): { status?: number; headers: Record<string, string>; body: string } {
  const trimmed = text.replace(/^\s+/, "");
  if (!/^HTTP\/\d(\.\d)? \d{3}/.test(trimmed)) return { headers: {}, body: text };
  const sep = /\r?\n\r?\n/.exec(trimmed);
  const head = sep === null ? trimmed : trimmed.slice(0, sep.index);
  const body = sep === null ? "" : trimmed.slice(sep.index + sep[0].length);
  const lines = head.split(/\r?\n/);
  const status = Number((lines[0] ?? "").split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers, body };
}

function classify(text: string): { errors: GraphError[]; note?: string } {
  const { status, headers, body } = splitHttp(text);
  const parsed = parseJson(body.trim());
  if (parsed.ok && isDict(parsed.value) && parsed.value["object"] !== undefined) {
    const events = decodeWebhook(parsed.value);
    if (events.isErr()) return { errors: [], note: `Not a readable webhook delivery: ${events.error.message} at ${events.error.path}` };
    const errors = events.value.flatMap((e) => (e._tag === "CallTerminate" ? e.errors : []));
    return { errors, ...(errors.length === 0 && { note: `A webhook delivery with ${events.value.length} calling event(s) and no errors.` }) };
  }
  if (parsed.ok && Array.isArray(parsed.value)) return { errors: parsed.value.map((v) => decodeGraphError(v, { status, headers })) };
  return { errors: [decodeGraphError(body, { status, headers })] };
}

function render(x: Explanation): string {
  const retry = x.retryable ? `yes${x.retryAt === undefined ? "" : `, at ${x.retryAt}`}` : x.retryAt === undefined ? "no" : `no (a time was given: ${x.retryAt})`;
  const lines = [
    `${x.tag}${x.code === undefined ? "" : ` (${x.code})`}, category ${x.category}`,
    `  What it means: ${x.meaning}`,
    `  What to do:    ${x.action}`,
    `  Retry:         ${retry}`,
    ...Object.entries(x.fields).map(([k, v]) => `  ${`${k}:`.padEnd(15)}${String(v).replace(/\s+/g, " ")}`),
  ];
  return lines.join("\n");
}

/**
 * Runs the CLI with the given arguments (without `node` and the script). Returns the exit code:
 * 0 explained, 1 input unreadable, 2 usage.
 *
 * @example
 * await runCli(["explain", "error.json", "--json"], io);
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(usage);
    return 0;
  }
  const [command, ...rest] = args;
  if (command !== "explain") {
    io.err(command === undefined ? usage : `Unknown command "${command}".\n\n${usage}`);
    return 2;
  }
  const json = rest.includes("--json");
  const files = rest.filter((a) => a !== "--json");
  if (files.length > 1 || files.some((f) => f.startsWith("--"))) {
    io.err(`Expected at most one file and --json.\n\n${usage}`);
    return 2;
  }
  const file = files[0];
  let text: string;
  try {
    text = file === undefined || file === "-" ? await io.readStdin() : await readFile(file, "utf8");
  } catch (e) {
    const reason = e instanceof Error && "code" in e && e.code === "ENOENT" ? "no such file" : e instanceof Error ? e.message : String(e);
    io.err(`wacall explain: cannot read ${file ?? "standard input"}: ${reason}`);
    return 1;
  }
  if (text.trim() === "") {
    io.err(`wacall explain: ${file ?? "standard input"} is empty; paste an error body or a webhook delivery.`);
    return 1;
  }
  const { errors, note } = classify(text);
  const explanations = errors.map(explain);
  if (json) io.out(`${JSON.stringify({ errors: explanations, ...(note !== undefined && { note }) }, null, 2)}\n`);
  else io.out(`${[...explanations.map(render), ...(note === undefined ? [] : [note])].join("\n\n")}\n`);
  return 0;
}
