import { isMatching, match, P } from "ts-pattern";
import { describe, expect, it } from "vitest";
import { byAdvice, byCategory, byTag, calling, catalog, categories, graphError, isCallingError, retryAdviceKinds, decodeGraphError, type GraphError } from "wacall";
import * as decisions from "../examples/ts-pattern-decisions.js";

/** ts-pattern's isMatching, for any pattern and value. */
const matches = isMatching as (pattern: unknown, value: unknown) => boolean;

const every: GraphError[] = [
  ...catalog.map((r) => graphError(r.tag)),
  decodeGraphError({ error: { code: 138999 } }),
  decodeGraphError({ error: { code: 424242 } }),
  decodeGraphError("<html>"),
];

describe("patterns as data", () => {
  it("has one pattern per category, the client's transport included, and each matches exactly its category", () => {
    expect(Object.keys(byCategory).sort()).toEqual([...categories, "transport"].sort());
    for (const e of every) {
      const hits = Object.entries(byCategory).filter(([, p]) => matches(p, e)).map(([k]) => k);
      expect(hits, e._tag).toEqual([e.category]);
    }
  });
  it("has one pattern per retry advice kind and `at`, and each matches exactly its kind", () => {
    expect(Object.keys(byAdvice).sort()).toEqual([...retryAdviceKinds, "at"].sort());
    const timed = decodeGraphError({ error: { code: 138012, error_data: { details: "Next call allowed at 1900000000" } } });
    for (const e of [...every, timed]) {
      const hits = Object.entries(byAdvice).filter(([, p]) => matches(p, e)).map(([k]) => k);
      expect(hits, e._tag).toEqual([e.advice.kind]);
    }
    expect(matches(byAdvice.at, timed)).toBe(true);
  });
  it("has one pattern per tag, and the calling subset holds exactly the calling errors", () => {
    expect(Object.keys(byTag).sort()).toEqual(every.map((e) => e._tag).sort());
    const callingOnes = every.filter((e) => isCallingError(e));
    expect(Object.keys(calling.byTag).sort()).toEqual(callingOnes.map((e) => e._tag).sort());
    expect(Object.keys(calling.byCategory).sort()).toEqual([...new Set(callingOnes.map((e) => e.category))].sort());
    for (const e of every) expect(Object.values(calling.byTag).some((p) => matches(p, e)), e._tag).toBe(isCallingError(e));
  });
  it("is plain, frozen data: no ts-pattern inside, serializable", () => {
    expect(JSON.parse(JSON.stringify(byCategory.limit))).toEqual({ category: "limit" });
    expect(JSON.parse(JSON.stringify(byAdvice.at))).toEqual({ advice: { kind: "at" } });
    expect(Object.isFrozen(byAdvice.at.advice)).toBe(true);
    expect(Object.getOwnPropertySymbols(byCategory.limit)).toEqual([]);
  });
  it("works with P.union and P.select", () => {
    const timed = decodeGraphError({ error: { code: 138012, error_data: { details: "Next call allowed at 1900000000" } } });
    const when = match(timed)
      .with({ ...byCategory.limit, retryAt: P.select() }, (at) => at?.toISOString())
      .otherwise(() => "no");
    expect(when).toBe("2030-03-17T17:46:40.000Z");
    expect(match(graphError("DuplicateCall") as GraphError).with(P.union(byTag.DuplicateCall, byTag.CallPermissionNotFound), () => 1).otherwise(() => 0)).toBe(1);
  });
});

describe("ts-pattern-decisions example", () => {
  it("decides the next step after a failed connect", () => {
    expect(decisions.example()).toEqual([
      "send a call permission request",
      "page ops: AccessTokenInvalid",
      "call again at 2030-03-17T17:46:40.000Z",
      "retry later (DuplicateCall)",
      "give up: ReceiverUncallable",
    ]);
  });
});
