import { readFileSync } from "node:fs";

/** A delivery from test/fixtures/webhooks/, as text (the way the handler receives it). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), "utf8");
}
