/**
 * Every public export of `wacall`, `wacall/webhook` and `wacall/client`, called with hostile
 * input: it must return (or resolve to) a value, never throw, reject or hang, and what it returns
 * must survive `JSON.stringify` and `util.inspect`.
 */
import { test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileCases } from "../../src/testing/arbitraries.js";
import { modules, type Call } from "./calls.js";
import { arbHostile, inProcess, settle, unprintable, type Hostile } from "./harness.js";

const unhandled: string[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason instanceof Error ? reason.message : typeof reason);
};
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});

/** Runs one call and says what went wrong, if anything. */
async function problem(call: (h: Hostile) => unknown, h: Hostile, ms = 5_000): Promise<string | undefined> {
  const r = await settle(() => call(h), ms);
  return r.ok ? unprintable(r.value) : r.why;
}

describe("the hostile suite knows every export", () => {
  for (const m of modules) {
    it(`has a way to call each export of ${m.name}`, () => {
      const missing = Object.keys(m.namespace).filter((k) => !(k in m.calls));
      expect(missing, `exports of ${m.name} with no hostile call in test/hostile/calls.ts`).toEqual([]);
      const stale = Object.keys(m.calls).filter((k) => !(k in m.namespace));
      expect(stale, `rows of test/hostile/calls.ts for exports ${m.name} no longer has`).toEqual([]);
    });
  }
});

const fixed: Hostile = { value: undefined, other: undefined, headers: {}, clock: () => 0, signal: new AbortController().signal, pick: 0, secret: "Zq7TkW2vLm9XpR4sNc8YbH3" };

for (const m of modules) {
  describe(`${m.name}: every export is total under hostile input`, () => {
    for (const [name, call] of Object.entries(m.calls) as [string, Call][]) {
      if (call === "value") {
        it(`${name} is a value that serializes`, () => {
          expect(unprintable(m.namespace[name])).toBeUndefined();
        });
        continue;
      }
      // Each named hostile value, revoked Proxies at the top level included, in both argument slots.
      it(`${name} returns a printable value for each named hostile case`, { timeout: 60_000 }, async () => {
        const byReason = new Map<string, string[]>();
        let hangs = 0;
        for (const c of hostileCases({ ...inProcess, hugeLength: 100_000 })) {
          for (const h of [{ ...fixed, value: c.make() }, { ...fixed, other: c.make(), pick: 1 }]) {
            if (hangs >= 2) break; // two calls that never settle say enough, and cost seconds each
            const why = await problem(call, h, 2_000);
            if (why === undefined) continue;
            if (why.startsWith("did not settle")) hangs++;
            byReason.set(why, [...(byReason.get(why) ?? []), c.name]);
          }
        }
        // One line per distinct failure, with the cases that hit it.
        const report = [...byReason].map(([why, cases]) => `${why} <- ${[...new Set(cases)].slice(0, 6).join("; ")}${cases.length > 6 ? ` (+${cases.length - 6})` : ""}`);
        expect(report).toEqual([]);
      });
      test.prop([arbHostile], { numRuns: 12, timeout: 60_000 })(`${name} returns a printable value for generated hostile input`, async (h) => {
        expect(await problem(call, h)).toBeUndefined();
      }, 60_000);
    }
  });
}

describe("hostile calls leave nothing behind", () => {
  it("no promise was rejected without a handler", async () => {
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  });
});
