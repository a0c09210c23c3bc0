/**
 * The API reference under docs/api is generated from the TSDoc of the public exports: it must be
 * what `npm run api-docs` writes from the sources now, and every export must have TSDoc.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { apiDir, entries, pagesOnDisk, renderApiDocs } from "../../scripts/api-docs.js";

let generated: ReturnType<typeof renderApiDocs>;
beforeAll(() => {
  generated = renderApiDocs();
}, 120_000);

describe("the API reference", () => {
  it("has one page per public subpath, and an index", () => {
    expect([...generated.pages.keys()].sort()).toEqual(["README.md", ...entries().map((e) => e.page)].sort());
  });

  it(`${apiDir} is what scripts/api-docs.ts generates now (else run npm run api-docs)`, () => {
    const disk = pagesOnDisk();
    expect([...disk.keys()].sort(), `pages in ${apiDir}`).toEqual([...generated.pages.keys()].sort());
    for (const [name, text] of generated.pages) expect(disk.get(name), `${apiDir}/${name} is out of date: run npm run api-docs`).toBe(text);
  });

  it("every public export has TSDoc", () => {
    expect(generated.undocumented).toEqual([]);
  });
});
