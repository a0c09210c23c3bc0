import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeWebhookItems, eventCatalog } from "wacall/webhook";
import { eventTable, readmePath } from "../../scripts/readme.js";
import { fixture } from "./fixtures.js";

describe("event catalog", () => {
  it("has one row per tag", () => {
    const tags = eventCatalog.map((r) => r.tag);
    expect(new Set(tags).size).toBe(tags.length);
  });
  it.each(eventCatalog.map((r) => [r.tag, r] as const))("%s has a fixture under test/fixtures/webhooks that decodes to it, without problems", (tag, row) => {
    expect(existsSync(new URL(`../fixtures/webhooks/${tag}.json`, import.meta.url))).toBe(true);
    const { events, problems } = decodeWebhookItems(fixture(tag))._unsafeUnwrap();
    expect(problems).toEqual([]);
    expect(events.map((e) => e._tag)).toEqual([tag]);
    if (row.field !== "any other") expect(fixture(tag)).toContain(`"field": "${row.field}"`);
  });
  it("the README's event table is generated from the catalog, inside the Webhooks section", () => {
    const readme = readFileSync(readmePath, "utf8");
    const section = readme.slice(readme.indexOf("## Webhooks: `wacall/webhook`"));
    const table = section.slice(section.indexOf("<!-- events:start -->\n") + "<!-- events:start -->\n".length, section.indexOf("<!-- events:end -->"));
    expect(table.trimEnd()).toBe(eventTable());
    for (const row of eventCatalog) expect(table).toContain(`| \`${row.tag}\` |`);
  });
});
