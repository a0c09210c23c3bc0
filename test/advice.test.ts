import { describe, expect, it } from "vitest";
import { catalog, decodeGraphError, graphError, isAutomaticRetry, isRetryableAdvice, retryAdviceKinds } from "wacall";
import { catalogCases } from "../src/testing/arbitraries.js";

describe("retry advice as data", () => {
  it.each(catalogCases.map((c) => [c.tag, c.code, c.operation] as const))("%s (%i) carries its row's advice, and retryable agrees", (tag, code, operation) => {
    const row = catalog.find((r) => r.tag === tag)!;
    const e = decodeGraphError({ error: { code, message: "m" } }, { operation });
    expect(e.advice).toEqual({ kind: row.advice });
    expect(e.retryable).toBe(isRetryableAdvice(row.advice));
  });

  it("a backoff with a known time becomes { kind: 'at', at }", () => {
    const e = decodeGraphError({ error: { code: 138012, message: "m", error_data: { details: "Next call allowed at 1900000000." } } }, { clock: () => 0 });
    expect(e.advice).toEqual({ kind: "at", at: new Date(1_900_000_000_000) });
    expect(e.retryAt).toEqual(new Date(1_900_000_000_000));
  });

  it("DuplicateCall may succeed after the current call, so it is retryable, but not automatically", () => {
    const e = graphError("DuplicateCall");
    expect(e.advice).toEqual({ kind: "after-current-call" });
    expect(e.retryable).toBe(true);
    expect(isAutomaticRetry(e.advice)).toBe(false);
  });

  it("only backoff and at are automatic", () => {
    for (const kind of retryAdviceKinds) expect(isAutomaticRetry({ kind })).toBe(kind === "backoff");
    expect(isAutomaticRetry({ kind: "at" })).toBe(true);
  });

  it("uncataloged codes: never, unless Meta says transient", () => {
    expect(decodeGraphError({ error: { code: 5, message: "m" } }).advice).toEqual({ kind: "never" });
    expect(decodeGraphError({ error: { code: 5, message: "m", is_transient: true } }).advice).toEqual({ kind: "backoff" });
    expect(decodeGraphError("<html>", { status: 502 }).advice).toEqual({ kind: "backoff" });
    expect(decodeGraphError("<html>", { status: 400 }).advice).toEqual({ kind: "never" });
  });

  it("every catalog kind is used, and the classes match the catalog's categories", () => {
    const used = new Set(catalog.map((r) => r.advice));
    for (const kind of retryAdviceKinds) expect(used.has(kind)).toBe(true);
    for (const r of catalog) if (r.category === "limit") expect(r.advice).toBe("backoff");
  });
});
