import fc from "fast-check";
import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { decodeWebhook, type CallEvent, type CallTerminate } from "wacall/webhook";
import { fixture } from "./fixtures.js";

const terminates = (body: unknown): CallTerminate[] => decodeWebhook(body)._unsafeUnwrap().filter((e: CallEvent): e is CallTerminate => e._tag === "CallTerminate");
const codes = (t: CallTerminate | undefined) => t?.errors.map((e) => ("code" in e ? e.code : e._tag));

describe("terminate errors from both places (reference 8.1)", () => {
  it("errors only inside the call object are not lost", () => {
    const [t] = terminates(fixture("CallTerminate-errors-in-call"));
    expect(t).toMatchObject({ status: "FAILED", errors: [{ _tag: "MediaReceiveTimeout", code: 138021, details: "No media received for 20 seconds" }] });
  });
  it("errors in the call and in the change are merged, the same error listed once", () => {
    expect(codes(terminates(fixture("CallTerminate-errors-both"))[0])).toEqual([138021, 138022, 131044]);
  });
  it("several calls: each keeps its own; the change's other errors go to the failed call that has none", () => {
    const [a, b, c] = terminates(fixture("CallTerminate-several"));
    expect([a?.callId, codes(a)]).toEqual(["wacid.A", [138021]]);
    expect([b?.callId, codes(b)]).toEqual(["wacid.B", [131044]]);
    expect([c?.callId, codes(c)]).toEqual(["wacid.C", []]);
  });
  it("a broken errors list inside a call is reported with its path; the call still comes through", () => {
    const body = JSON.parse(fixture("CallTerminate-errors-in-call"));
    body.entry[0].changes[0].value.calls[0].errors = "nope";
    expect(decodeWebhook(body)._unsafeUnwrapErr()).toMatchObject({ path: "$.entry[0].changes[0].value.calls[0].errors" });
  });
});

const arbError = fc.record({ code: fc.constantFrom(138019, 138020, 138021, 138022, 138023, 131044, 131000), message: fc.constantFrom("Media receive timeout", "Call setup failed", "x") });
const keyOf = (e: { code: number; message: string }) => `${e.code}|${e.message}`;
const arbCall = fc.record({
  status: fc.constantFrom("COMPLETED", "FAILED", "Failed", "REJECTED", "HUNG_UP"),
  own: fc.array(arbError, { maxLength: 3 }),
});

describe("terminate error laws", () => {
  test.prop([fc.array(arbCall, { minLength: 1, maxLength: 5 }), fc.array(arbError, { maxLength: 4 })])(
    "no error is lost, none is listed twice on a call, and each call keeps its own errors",
    (calls, shared) => {
      const body = {
        object: "whatsapp_business_account",
        entry: [{ id: "1", changes: [{ field: "calls", value: { errors: shared, calls: calls.map((c, i) => ({ id: `wacid.${i}`, event: "terminate", status: c.status, ...(c.own.length > 0 && { errors: c.own }) })) } }] }],
      };
      const ts = terminates(JSON.stringify(body));
      expect(ts).toHaveLength(calls.length);
      const seen = new Set<string>();
      ts.forEach((t, i) => {
        const keys = t.errors.map((e) => `${"code" in e ? e.code : -1}|${e.message}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const own of calls[i]?.own ?? []) expect(keys).toContain(keyOf(own));
        keys.forEach((k) => seen.add(k));
      });
      for (const e of [...shared, ...calls.flatMap((c) => c.own)]) expect(seen).toContain(keyOf(e));
      // With a single call, everything is its own.
      if (calls.length === 1) expect(new Set(ts[0]?.errors.map((e) => `${"code" in e ? e.code : -1}|${e.message}`))).toEqual(new Set([...calls[0]!.own, ...shared].map(keyOf)));
      // A completed call among failed ones without errors gets none of the change's errors.
      const bareFailed = calls.some((c) => c.status !== "COMPLETED" && c.own.length === 0);
      if (calls.length > 1 && bareFailed) calls.forEach((c, i) => c.status === "COMPLETED" && expect(ts[i]?.errors.length).toBe(c.own.length === 0 ? 0 : new Set(c.own.map(keyOf)).size));
    },
  );
});
