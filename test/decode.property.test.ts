import fc from "fast-check";
import { test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { decodeGraphError, encodeGraphError, isGraphError, operations, type GraphError } from "wacall";
import { arbCatalogCase, arbErrorCase, arbErrorEnvelope, arbSecret, arbUnknownCode } from "../src/testing/arbitraries.js";

const arbOperation = fc.option(fc.constantFrom(...operations), { nil: undefined });
const arbStatus = fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined });

function assertWellFormed(e: GraphError) {
  expect(isGraphError(e)).toBe(true);
  expect(typeof e.message).toBe("string");
  expect(typeof e.retryable).toBe("boolean");
  if (e._tag === "MalformedResponse") expect(e.snippet.length).toBeLessThanOrEqual(256);
  else expect(Number.isSafeInteger(e.code)).toBe(true);
  // Safe to log: serializes without throwing.
  expect(typeof JSON.stringify(e)).toBe("string");
}

/** Mutations of a valid envelope: drop, retype or poison one path. */
const arbMutated = fc
  .tuple(arbErrorEnvelope, fc.constantFrom("code", "message", "error_data", "fbtrace_id", "error_subcode", "is_transient"), fc.anything({ withObjectString: true, withNullPrototype: true }))
  .map(([{ body }, key, value]) => {
    const b = structuredClone(body) as Record<string, unknown>;
    const target = (typeof b.error === "object" && b.error !== null ? b.error : b) as Record<string, unknown>;
    target[key] = value;
    return b;
  });

describe("decoding laws", () => {
  test.prop([fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withObjectString: true }), arbOperation, arbStatus])(
    "decode is total over anything",
    (body, operation, status) => assertWellFormed(decodeGraphError(body, { operation, status })),
  );

  test.prop([fc.string({ unit: "binary" }), arbStatus])("decode is total over arbitrary strings", (body, status) =>
    assertWellFormed(decodeGraphError(body, { status })),
  );

  test.prop([fc.json(), arbStatus])("decode is total over arbitrary JSON text", (body, status) =>
    assertWellFormed(decodeGraphError(body, { status })),
  );

  test.prop([arbMutated, arbOperation])("decode is total over mutated valid envelopes", (body, operation) => {
    assertWellFormed(decodeGraphError(body, { operation }));
    assertWellFormed(decodeGraphError(JSON.stringify(body) ?? "", { operation }));
  });

  test.prop([fc.constantFrom("__proto__", "constructor", "prototype", "toString"), fc.anything()])(
    "prototype-named keys neither throw nor pollute",
    (key, value) => {
      const text = `{"error":{"code":138006,"${key}":${JSON.stringify(value) ?? "null"}},"${key}":{"polluted":true}}`;
      const e = decodeGraphError(text);
      expect(e._tag === "CallPermissionNotFound" || e._tag === "MalformedResponse").toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  test.prop([fc.integer({ min: 1, max: 5000 })], { numRuns: 20 })("deep nesting does not throw", (depth) => {
    const text = '{"error":'.repeat(depth) + "1" + "}".repeat(depth);
    assertWellFormed(decodeGraphError(text));
  });

  test.prop([fc.integer({ min: 100_000, max: 3_000_000 })], { numRuns: 5 })("huge strings are bounded", (n) => {
    const e = decodeGraphError({ error: { code: 100, message: "m".repeat(n) } });
    expect(e._tag).toBe("InvalidParameter");
    const h = decodeGraphError("<p>" + "x".repeat(n));
    expect(h._tag === "MalformedResponse" && h.snippet.length).toBe(256);
  });

  test.prop([arbErrorEnvelope])("every catalog code decodes to its tag, in every shape", ({ body, case: c }) => {
    const e = decodeGraphError(body, { operation: c.operation });
    expect(e._tag).toBe(c.tag);
    expect(e._tag !== "MalformedResponse" && e.code).toBe(c.code);
  });

  test.prop([arbCatalogCase, fc.boolean()])("numeric-string codes decode like numbers", (c, wrap) => {
    const error = { code: String(c.code), message: "m" };
    expect(decodeGraphError(wrap ? { error } : error, { operation: c.operation })._tag).toBe(c.tag);
  });

  test.prop([arbUnknownCode, arbOperation])("unknown codes keep their number", (code, operation) => {
    const e = decodeGraphError({ error: { code, message: "m" } }, { operation });
    expect(e).toMatchObject({ code, category: "unknown" });
    expect(e._tag).toBe(code >= 138000 && code <= 138999 ? "UnknownCallingError" : "UnknownGraphError");
  });

  test.prop([arbErrorCase])("encode then decode is identity", ({ error, operation }) => {
    const body = encodeGraphError(error);
    const decoded = decodeGraphError(JSON.stringify(body), { status: error.httpStatus, operation });
    expect({ ...decoded, raw: undefined }).toEqual(error);
    expect(decoded.raw).toEqual(body.error);
  });

  test.prop([
    fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }).map(String), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
    fc.option(fc.oneof(fc.nat().map(String), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), fc.string()), { nil: undefined }),
    fc.integer({ min: 0, max: 4_000_000_000_000 }),
  ])("retryAt is never before the clock's now", (details, retryAfter, now) => {
    const headers = retryAfter === undefined ? {} : { "retry-after": retryAfter };
    const e = decodeGraphError({ error: { code: 138012, error_data: { details } } }, { headers, clock: () => now });
    if (e.retryAt !== undefined) expect(e.retryAt.getTime()).toBeGreaterThanOrEqual(now);
  });

  test.prop([arbSecret, fc.constantFrom("message", "details", "error_user_msg", "error_user_title", "fbtrace_id", "extra"), fc.boolean()])(
    "redaction never leaks a secret",
    ({ secret, text }, where, asText) => {
      const error: Record<string, unknown> = { code: 138006, message: "m" };
      if (where === "details") error.error_data = { details: `x ${text} y` };
      else error[where] = `x ${text} y`;
      const e = decodeGraphError(asText ? JSON.stringify({ error }) : { error });
      expect(JSON.stringify(e)).not.toContain(secret);
      const m = decodeGraphError(`<html>${text}</html>`, { status: 502 });
      expect(JSON.stringify(m)).not.toContain(secret);
    },
  );
});
