import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalog } from "wacall";
import { readmePath, renderReadme } from "../scripts/readme.js";

describe("README", () => {
  const readme = readFileSync(readmePath, "utf8");
  it("is up to date with the catalog and the examples (run `npm run readme`)", () => {
    expect(renderReadme(readme)).toBe(readme);
  });
  it("lists every cataloged tag in the error table", () => {
    const table = readme.slice(readme.indexOf("<!-- errors:start -->"), readme.indexOf("<!-- errors:end -->"));
    for (const row of catalog) expect(table).toContain(`| \`${row.tag}\` |`);
  });
  it("embeds examples only from files under examples/", () => {
    const files = [...readme.matchAll(/<!-- example: (\S+) -->/g)].map((m) => m[1]);
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(f).toMatch(/^examples\//);
    // Every ts code block that looks like a program is one of the embedded examples.
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    for (const b of blocks.filter((x) => x.includes("import "))) {
      expect(files.some((f) => readFileSync(new URL(`../${f}`, import.meta.url), "utf8").trimEnd() === b.trimEnd())).toBe(true);
    }
  });
});
