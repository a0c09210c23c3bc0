/**
 * What `wacall explain` reads: the errors in a pasted text, whatever wraps them (an HTTP
 * transcript, a webhook delivery, a structured log line).
 *
 * @module
 */
import { decodeGraphError } from "./decode.js";
import type { GraphError } from "./errors.js";
import { isDict, parseJson } from "./internal/json.js";
import { decodeWebhookItems } from "./webhook/events.js";

/** Errors taken from one log line at most, and values looked at to find them. */
const maxFound = 100;
const maxVisited = 10_000;
/** Log lines read from one paste (NDJSON). */
const maxLines = 1_000;

/** Whether a value is a Graph error on its own: an `{ error: {…} }` envelope, or a code with a message or a tag. */
function looksLikeError(v: Record<string, unknown>): boolean {
  if (isDict(v["error"])) return true;
  const code = v["code"];
  const numeric = typeof code === "number" || (typeof code === "string" && /^\d+$/.test(code));
  return numeric && (typeof v["message"] === "string" || typeof v["_tag"] === "string");
}

/** Longest key written whole in a path: a path is repeated for each error found under it. */
const maxKeyInPath = 40;

/** A key as written in a path, cut (at a whole character) when it is long. */
function shortKey(k: string): string {
  if (k.length <= maxKeyInPath) return k;
  const high = k.charCodeAt(maxKeyInPath - 1);
  return `${k.slice(0, high >= 0xd800 && high <= 0xdbff ? maxKeyInPath - 1 : maxKeyInPath)}…`;
}

/**
 * The errors inside a log line (`{"msg": …, "err": {…}}`, an HTTP client's `response.data`),
 * breadth first and bounded, each with its JSON path and the HTTP status logged beside it.
 */
function nestedErrors(root: Record<string, unknown>): { value: unknown; path: string; status?: number }[] {
  const found: { value: unknown; path: string; status?: number }[] = [];
  const queue: { value: unknown; path: string; depth: number; parent?: Record<string, unknown> }[] = [{ value: root, path: "$", depth: 0 }];
  for (let next = 0; next < queue.length && found.length < maxFound; next++) {
    const { value, path, depth, parent } = queue[next] as (typeof queue)[number];
    if (depth > 0 && isDict(value) && looksLikeError(value)) {
      const status = [value["httpStatus"], value["status"], parent?.["status"], parent?.["statusCode"]].find((s): s is number => typeof s === "number" && Number.isInteger(s));
      found.push({ value, path, ...(status !== undefined && { status }) });
      continue;
    }
    if (depth >= 8) continue;
    const children: [string, unknown][] = Array.isArray(value) ? value.map((v, i): [string, unknown] => [`[${i}]`, v]) : isDict(value) ? Object.entries(value).map(([k, v]): [string, unknown] => [`.${shortKey(k)}`, v]) : [];
    for (const [step, child] of children) {
      if (queue.length >= maxVisited) break;
      if (typeof child === "object" && child !== null) queue.push({ value: child, path: `${path}${step}`, depth: depth + 1, ...(isDict(value) && { parent: value }) });
    }
  }
  return found;
}

/** Splits `HTTP/1.1 429 …` + headers + blank line + body, as `curl -i` prints a response. */
function splitHttp(text: string): { status?: number; headers: Record<string, string>; body: string } {
  const start = text.search(/\S/);
  const trimmed = start <= 0 ? text : text.slice(start);
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

/** What curl prints once a transfer ends, on the body's own line when the body has no final newline (Graph's have none). */
const curlClosing = ["* Connection #", "* Closing connection", "* shutting down connection"];

/** A body line without curl's closing message after it (a JSON string that holds those words is left alone). */
function withoutCurlClosing(line: string): string {
  for (const marker of curlClosing) {
    const at = line.lastIndexOf(marker);
    if (at > 0 && !/["{}[\]]/.test(line.slice(at))) return line.slice(0, at);
  }
  return line;
}

/**
 * The response of a `curl -v` transcript as `curl -i` prints it: the last `< HTTP/…` status line
 * and its `< ` headers, then the body. The request (`> ` lines, with its `Authorization`), curl's
 * own `* ` lines and its `{ [n bytes data]` markers are dropped. `undefined` when it is not one.
 */
function fromCurlVerbose(text: string): string | undefined {
  // Without a status line there is nothing to read: a paste of any size is not split for nothing.
  if (!text.includes("< HTTP/")) return undefined;
  const lines = text.split(/\r?\n/);
  let start = -1;
  for (let i = 0; i < lines.length; i++) if (/^< HTTP\/\d(\.\d)? \d{3}/.test(lines[i] ?? "")) start = i;
  if (start < 0) return undefined;
  let end = start;
  while (end < lines.length && (lines[end] ?? "").startsWith("<")) end++;
  const head = lines.slice(start, end).map((l) => l.replace(/^< ?/, "").trimEnd());
  const body = lines
    .slice(end)
    .filter((l) => !/^([*<>]( |$)|[{}] \[)/.test(l))
    .map(withoutCurlClosing);
  return `${head.filter((l) => l !== "").join("\r\n")}\r\n\r\n${body.join("\n")}`;
}

/**
 * The non-empty lines of a paste (at most {@link maxLines}, with their line numbers) and how many
 * more there are, read with `indexOf` so that megabytes of line breaks build no array of them.
 */
function logLines(body: string): { readonly lines: readonly { readonly text: string; readonly number: number }[]; readonly more: number } {
  const lines: { text: string; number: number }[] = [];
  let more = 0;
  let number = 0;
  for (let from = 0; from <= body.length; ) {
    const at = body.indexOf("\n", from);
    const end = at === -1 ? body.length : at;
    const text = body.slice(from, end > from && body.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
    number++;
    if (text.trim() === "") {
      // nothing to read
    } else if (lines.length < maxLines) {
      lines.push({ text, number });
      // A line that is not JSON: the paste is not NDJSON, and nothing after it changes that.
      if (!/^\s*[{[]/.test(text)) break;
    } else {
      more++;
    }
    from = end + 1;
  }
  return { lines, more };
}

/**
 * The errors in a pasted text: a body (with its status line and headers as `curl -i` or `curl -v`
 * prints them), a Graph envelope, an error object, a list of them, a webhook delivery, or
 * structured log lines (one, or several as NDJSON) with errors inside. Never throws on JSON it made itself.
 */
export function classify(text: string): { errors: GraphError[]; note?: string } {
  const { status, headers, body } = splitHttp(fromCurlVerbose(text) ?? text);
  const parsed = parseJson(body.trim());
  if (!parsed.ok) {
    // Several log lines pasted at once (NDJSON): each line is explained on its own.
    const pasted = logLines(body);
    const { lines } = pasted;
    if (lines.length > 1 && lines.every((l) => /^\s*[{[]/.test(l.text) && parseJson(l.text.trim()).ok)) {
      const each = lines.map((l) => ({ ...classify(l.text), number: l.number }));
      const notes = [
        ...each.flatMap((r) => (r.note === undefined ? [] : [`line ${r.number}: ${r.note}`])),
        ...(pasted.more > 0 ? [`Only the first ${maxLines} lines were read; ${pasted.more} more were not.`] : []),
      ];
      return { errors: each.flatMap((r) => r.errors), ...(notes.length > 0 && { note: notes.join(" ") }) };
    }
  }
  if (parsed.ok && isDict(parsed.value) && parsed.value["object"] !== undefined) {
    // Item by item: the errors of the readable calls are explained even when another item is broken.
    const decoded = decodeWebhookItems(parsed.value);
    if (decoded.isErr()) return { errors: [], note: `Not a readable webhook delivery: ${decoded.error.message} at ${decoded.error.path}` };
    const { events, problems } = decoded.value;
    const errors = events.flatMap((e) => (e._tag === "CallTerminate" ? e.errors : []));
    const first = problems[0];
    const skipped = first === undefined ? undefined : `${problems.length} item(s) could not be read, the first at ${first.path}: ${first.message}.`;
    const none = errors.length === 0 ? `A webhook delivery with ${events.length} calling event(s) and no errors.` : undefined;
    const note = [none, skipped].filter((n) => n !== undefined).join(" ");
    return { errors, ...(note !== "" && { note }) };
  }
  if (parsed.ok && Array.isArray(parsed.value)) return { errors: parsed.value.map((v) => decodeGraphError(v, { status, headers })) };
  if (parsed.ok && isDict(parsed.value) && !looksLikeError(parsed.value)) {
    const found = nestedErrors(parsed.value);
    if (found.length > 0) {
      const errors = found.map(({ value, status: beside }) => decodeGraphError(value, { status: status ?? beside, headers }));
      return { errors, note: `Found in a log line at ${found.map((f) => f.path).join(", ")}.` };
    }
  }
  return { errors: [decodeGraphError(body, { status, headers })] };
}

