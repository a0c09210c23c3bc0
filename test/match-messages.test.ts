/**
 * The compile errors of a matcher with a missing handler, as the repository's `tsc` prints them:
 * type tests can only say that an error exists, so this runs the compiler on a file of mistakes
 * and reads what it says.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** A complete handler record for CallingError but DuplicateCall and UnknownCallingError. */
const almostAll = [
  "CallingNotEnabled", "ReceiverUncallable", "ConcurrentCallsLimit", "CallConnectionError", "CallRateLimitExceeded",
  "CallPermissionNotFound", "CallConnectionTimeout", "CallPermissionRequestLimitHit", "BusinessInitiatedCallsLimitHit",
  "FetchCallPermissionLimitHit", "BusinessInitiatedCallingUnavailable", "CallingTemporarilyDisabled",
  "CallingRequiresMessagingLimit", "PermanentCallPermissionExists", "CallingCannotBeEnabled", "CallSetupFailed",
  "RelayConnectionFailed", "MediaReceiveTimeout", "MediaTransmitTimeout", "CallTerminatedWithoutMedia",
  "CallingPaymentMethodMissing", "SipNumberRejectsGraphCalling", "InvalidParameterValue", "RecipientNotInAllowedList",
  "InvalidParameter",
].map((t) => `${t}: () => 1`).join(", ");

/** One mistake per line, so that each message can be found by its line number. */
const cases = {
  oneTag: `matchError(c, { ${almostAll}, UnknownCallingError: () => 1 });`,
  twoTags: `matchError(c, { ${almostAll} });`,
  oneCategory: `matchCategory(c, { configuration: () => 0, permission: () => 0, recipient: () => 0, conflict: () => 0, connection: () => 0, account: () => 0, request: () => 0, unknown: () => 0 });`,
  complete: `export const ok: number = matchError(c, { ${almostAll}, DuplicateCall: () => 1, UnknownCallingError: () => 1 });`,
} as const;
const header = ['import { matchCategory, matchError, type CallingError } from "wacall";', "declare const c: CallingError;"];
const lineOf = (name: keyof typeof cases) => header.length + Object.keys(cases).indexOf(name) + 1;

/** The compilers the messages are checked with: the repository's TypeScript 7, and TypeScript 5.9. */
const compilers = {
  "TypeScript 7": join(root, "node_modules/.bin/tsc"),
  "TypeScript 5.9": join(root, "node_modules/typescript5/bin/tsc"),
} as const;

let dir = "";
const outputs: Record<string, string> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "wacall-messages-"));
  writeFileSync(join(dir, "fixture.mts"), [...header, ...Object.values(cases)].join("\n"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(root, "tsconfig.json"), include: ["fixture.mts"], compilerOptions: { types: [] } }));
  await Promise.all(
    Object.entries(compilers).map(async ([name, bin]) => {
      outputs[name] = await new Promise<string>((resolve) => {
        execFile(process.execPath, [bin, "-p", join(dir, "tsconfig.json"), "--noEmit", "--pretty", "false"], { timeout: 80_000 }, (_e, stdout, stderr) => resolve(`${stdout}${stderr}`));
      });
    }),
  );
}, 120_000);
afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

/** What one compiler said about one line of the fixture. */
const said = (compiler: string, name: keyof typeof cases) =>
  (outputs[compiler] ?? "")
    .split(/\n(?=\S)/)
    .filter((m) => m.startsWith(`fixture.mts(${lineOf(name)},`) || m.includes(`/fixture.mts(${lineOf(name)},`))
    .join("\n");

describe.each(Object.keys(compilers))("a matcher with a missing handler, under %s", (compiler) => {
  it("names the missing tag", () => {
    expect(said(compiler, "oneTag")).toMatch(/Property 'DuplicateCall' is missing|is missing the following properties from type .*: DuplicateCall\b/);
    expect(said(compiler, "oneTag")).not.toContain("Property '_' is missing");
  });
  it("names every missing tag", () => {
    expect(said(compiler, "twoTags")).toMatch(/is missing the following properties from type .*: DuplicateCall, UnknownCallingError/);
  });
  it("names the missing category", () => {
    expect(said(compiler, "oneCategory")).toMatch(/Property 'limit' is missing|is missing the following properties from type .*: limit\b/);
  });
  it("says nothing about a complete record", () => {
    expect(outputs[compiler]).toContain("fixture.mts"); // the compiler ran on the fixture
    expect(said(compiler, "complete")).toBe("");
  });
});
