/**
 * Rewrites the generated parts of README.md: the error table (from the catalog) and the example
 * blocks (from the files under examples/). `npm run readme` writes; the test suite fails when the
 * README is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { catalog, isRetryableAdvice, sipCatalog, type CodeRule } from "../src/index.js";
import { eventCatalog } from "../src/webhook/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));

function codes(row: (typeof catalog)[number]): string {
  const list = (row.codes as readonly CodeRule[]).map((r) => (typeof r === "number" ? String(r) : `${r.code} (${r.when.length === 1 ? `on ${r.when[0]}` : "other operations"})`));
  if ("range" in row) list.splice(0, 1, `${row.range[0]}-${row.range[1]}`);
  return list.join(", ");
}

export function errorTable(): string {
  const head = "| Tag | Code | Category | HTTP | Channel | Retry advice | Retryable | What happened | What to do |\n|---|---|---|---|---|---|---|---|---|";
  const rows = catalog.map(
    (r) => `| \`${r.tag}\` | ${codes(r)} | ${r.category} | ${r.httpStatus} | ${r.channel} | \`${r.advice}\` | ${isRetryableAdvice(r.advice) ? "yes" : "no"} | ${r.summary} | ${r.remediation} |`,
  );
  const fallbacks = [
    "| `UnknownCallingError` | any other 138xxx | unknown | — | — | `never` (`backoff` if `is_transient`) | no | An undocumented Calling API code; the number is kept. | Report it; handle by category. |",
    "| `UnknownGraphError` | any other code | unknown | — | — | `never` (`backoff` if `is_transient`) | no | A Graph code wacall does not catalog; the number is kept. | Handle by `retryable` and `isTransient`. |",
    "| `MalformedResponse` | — | malformed | any | — | `backoff` on 5xx/429/408, else `never` | 5xx/429 | Not a Graph error (HTML, truncated JSON, `{\"error\":\"text\"}`, empty) or an unexpected 2xx. | Look at `reason` and `snippet`. |",
  ];
  return [head, ...rows, ...fallbacks].join("\n");
}

export function sipTable(): string {
  const head = "| SIP status | Reason phrase contains | Tag | Same as | Category | Retry advice | What happened | What to do |\n|---|---|---|---|---|---|---|---|";
  const rows = sipCatalog.map((r) => {
    const phrases: readonly string[] = r.phrases;
    const twin = "twin" in r ? `\`${r.twin}\` (${String(catalog.find((c) => c.tag === r.twin)?.codes[0] ?? "")})` : "—";
    return `| ${r.status} | ${phrases.length === 0 ? "any" : phrases.map((p) => `"${p}"`).join(", ")} | \`${r.tag}\` | ${twin} | ${r.category} | \`${r.advice}\` | ${r.summary} | ${r.remediation} |`;
  });
  const fallbacks = [
    "| any other | — | `UnknownSipResponse` | — | unknown | `backoff` on 5xx, else `never` | A SIP response wacall does not catalog; the status is kept. | Handle by `sipStatus`. |",
    "| none | — | `MalformedSipResponse` | — | malformed | `never` | The text holds no SIP status line. | Look at `raw`. |",
  ];
  return [head, ...rows, ...fallbacks].join("\n");
}

export function eventTable(): string {
  const head = "| Field | Event | Tag | What it tells you |\n|---|---|---|---|";
  const rows = eventCatalog.map((r) => `| ${r.field === "any other" ? "any other" : `\`${r.field}\``} | ${r.event} | \`${r.tag}\` | ${r.summary} |`);
  return [head, ...rows].join("\n");
}

export function renderReadme(readme: string): string {
  const withTable = readme
    .replace(/(<!-- errors:start -->\n)[\s\S]*?(<!-- errors:end -->)/, (_m, a: string, b: string) => `${a}${errorTable()}\n${b}`)
    .replace(/(<!-- sip:start -->\n)[\s\S]*?(<!-- sip:end -->)/, (_m, a: string, b: string) => `${a}${sipTable()}\n${b}`)
    .replace(/(<!-- events:start -->\n)[\s\S]*?(<!-- events:end -->)/, (_m, a: string, b: string) => `${a}${eventTable()}\n${b}`);
  return withTable.replace(
    /(<!-- example: (\S+) -->\n)[\s\S]*?(<!-- \/example -->)/g,
    (_m, a: string, file: string, b: string) =>
      `${a}\`\`\`ts\n${readFileSync(`${root}/${file}`, "utf8").trimEnd()}\n\`\`\`\n${b}`,
  );
}

export const readmePath = `${root}/README.md`;

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = readFileSync(readmePath, "utf8");
  const next = renderReadme(current);
  if (next !== current) writeFileSync(readmePath, next);
  console.log(next === current ? "README.md is up to date" : "README.md rewritten");
}
