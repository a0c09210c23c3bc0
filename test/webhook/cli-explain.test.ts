import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.js";
import { fixture } from "./fixtures.js";

async function explainJson(input: string): Promise<{ errors: { tag: string; code?: number }[]; note?: string }> {
  let out = "";
  const io = { readStdin: async () => input, out: (t: string) => void (out += t), err: () => undefined };
  expect(await runCli(["explain", "-", "--json"], io)).toBe(0);
  return JSON.parse(out);
}

describe("wacall explain on a webhook delivery", () => {
  it("explains the errors found inside call objects, and those of the good calls when another item is broken", async () => {
    const body = JSON.parse(fixture("CallTerminate-errors-in-call"));
    body.entry[0].changes[0].value.calls.push({ event: "terminate", status: "FAILED" });
    const r = await explainJson(JSON.stringify(body));
    expect(r.errors.map((e) => e.tag)).toEqual(["MediaReceiveTimeout"]);
    expect(r.note).toContain("$.entry[0].changes[0].value.calls[1].id");
  });
});
