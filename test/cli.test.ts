import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;
const fixture = (name: string) => `${root}test/fixtures/${name}`;

/** Runs `wacall` as a process, as a user would. */
function wacall(args: string[], input?: string) {
  const r = spawnSync(tsx, [`${root}src/bin.ts`, ...args], { input: input ?? "", encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("wacall explain (as a process)", () => {
  it("explains a response pasted with its status line and headers", () => {
    const r = wacall(["explain", fixture("138012-http.txt")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("BusinessInitiatedCallsLimitHit (138012), category limit");
    expect(r.stdout).toContain("Retry:         yes, at 2030-03-17T17:46:40.000Z");
    expect(r.stdout).toContain("httpStatus:    400");
    expect(r.stdout).toContain("fbtraceId:     AQx1");
  });
  it("explains the errors of a webhook delivery, as JSON", () => {
    const r = wacall(["explain", fixture("terminate-failed.json"), "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { errors: { tag: string; code: number; category: string; retryable: boolean; fields: Record<string, unknown> }[] };
    expect(out.errors).toEqual([
      expect.objectContaining({ tag: "MediaReceiveTimeout", code: 138021, category: "connection", retryable: true, fields: expect.objectContaining({ details: "No media received for 20 seconds" }) }),
    ]);
  });
  it("reads standard input and explains an HTML page as MalformedResponse", () => {
    const r = wacall(["explain"], "<!DOCTYPE html><html><body>Sorry, something went wrong.</body></html>");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("MalformedResponse, category malformed");
    expect(r.stdout).toContain("reason:        not-json");
    expect(wacall(["explain", fixture("html-500.html")]).stdout).toContain("MalformedResponse");
  });
  it("reads '-' as standard input", () => {
    const r = wacall(["explain", "-", "--json"], '{"code":"138003","message":"Duplicate call"}');
    expect(JSON.parse(r.stdout).errors[0].tag).toBe("DuplicateCall");
  });
  it("fails clearly on input it cannot read", () => {
    const missing = wacall(["explain", fixture("nope.json")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read");
    const empty = wacall(["explain"], "   \n");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("is empty");
  });
  it("prints usage for a wrong command and exits 2", () => {
    const r = wacall(["explian"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage: wacall explain");
    expect(wacall(["--help"]).code).toBe(0);
  });
});
