import { describe, expect, it } from "vitest";
import {
  catalog,
  decodeGraphError,
  graphError,
  hasTag,
  isCallingError,
  isGraphError,
  isRetryable,
  matchCategory,
  matchError,
  toError,
  unknownError,
} from "wacall";

describe("the vocabulary", () => {
  // Independent of the catalog: the reference's table, code by code.
  const reference: [number, string][] = [
    [138000, "CallingNotEnabled"], [138001, "ReceiverUncallable"], [138002, "ConcurrentCallsLimit"],
    [138003, "DuplicateCall"], [138004, "CallConnectionError"], [138005, "CallRateLimitExceeded"],
    [138006, "CallPermissionNotFound"], [138007, "CallConnectionTimeout"], [138009, "CallPermissionRequestLimitHit"],
    [138012, "BusinessInitiatedCallsLimitHit"], [613, "FetchCallPermissionLimitHit"],
    [138013, "BusinessInitiatedCallingUnavailable"], [138014, "CallingTemporarilyDisabled"],
    [138015, "CallingRequiresMessagingLimit"], [138017, "PermanentCallPermissionExists"],
    [138018, "CallingCannotBeEnabled"], [138019, "CallSetupFailed"], [138020, "RelayConnectionFailed"],
    [138021, "MediaReceiveTimeout"], [138022, "MediaTransmitTimeout"], [138023, "CallTerminatedWithoutMedia"],
    [131044, "CallingPaymentMethodMissing"], [131055, "SipNumberRejectsGraphCalling"],
    [131009, "InvalidParameterValue"], [131030, "RecipientNotInAllowedList"], [100, "InvalidParameter"],
  ];
  it.each(reference)("code %i is %s, a calling error", (code, tag) => {
    const e = decodeGraphError({ error: { code } });
    expect(e._tag).toBe(tag);
    expect(isCallingError(e)).toBe(true);
  });
  it("gives every Graph code of the reference's second table its own named variant", () => {
    for (const code of [0, 1, 2, 3, 4, 10, 17, 190, 200, 250, 299, 368, 80007, 130429, 131000, 131005, 131008, 131016, 131026, 131031, 131056]) {
      const e = decodeGraphError({ error: { code } }, { operation: "connect" });
      expect(e._tag, `code ${code}`).not.toMatch(/^(UnknownCallingError|UnknownGraphError|MalformedResponse)$/);
      expect(isCallingError(e), `code ${code}`).toBe(false);
    }
    expect(decodeGraphError({ error: { code: 613 } }, { operation: "connect" })._tag).toBe("ApiRateLimit");
  });
  it("has unique tags and every category in the closed set", () => {
    const tags = catalog.map((r) => r.tag);
    expect(new Set(tags).size).toBe(tags.length);
  });
});

describe("matchError", () => {
  it("calls the handler of the tag, with the variant", () => {
    const e = decodeGraphError({ error: { code: 138006 } });
    const out = matchError(e, { CallPermissionNotFound: (x) => `ask ${x.code}`, _: (x) => `other ${x._tag}` });
    expect(out).toBe("ask 138006");
  });
  it("falls back to _ for the rest", () => {
    const e = decodeGraphError({ error: { code: 138003 } });
    expect(matchError(e, { CallPermissionNotFound: () => "ask", _: (x) => `other ${x._tag}` })).toBe("other DuplicateCall");
  });
  it("does not mistake inherited keys for handlers", () => {
    const e = { _tag: "toString" as const, message: "" };
    expect(matchError(e as { _tag: "toString" } | { _tag: "b" }, { _: () => "fallback" })).toBe("fallback");
  });
  it("matches by category", () => {
    const e = decodeGraphError({ error: { code: 138002 } }, { headers: { "retry-after": "1" }, clock: () => 0 });
    expect(matchCategory(e, { limit: (l) => l.retryAt?.getTime(), _: () => -1 })).toBe(1000);
    expect(matchCategory(decodeGraphError("<html>"), { limit: () => 1, _: (x) => x.category })).toBe("malformed");
  });
});

describe("guards", () => {
  it("work on values from another copy of the package (structural, no instanceof)", () => {
    const copy = JSON.parse(JSON.stringify(graphError("DuplicateCall"))) as unknown;
    expect(isGraphError(copy)).toBe(true);
    expect(isCallingError(copy)).toBe(true);
    expect(isGraphError({ _tag: "Nope" })).toBe(false);
    expect(isGraphError(null)).toBe(false);
    expect(isCallingError(unknownError(4242))).toBe(false);
    expect(isCallingError(unknownError(138016))).toBe(true);
  });
  it("isRetryable follows the catalog and is_transient", () => {
    expect(isRetryable(graphError("ConcurrentCallsLimit"))).toBe(true);
    expect(isRetryable(graphError("CallPermissionNotFound"))).toBe(false);
    expect(isRetryable(graphError("CallPermissionNotFound", { isTransient: true }))).toBe(true);
  });
  it("hasTag narrows to some tags", () => {
    const e = decodeGraphError({ error: { code: 138005 } });
    expect(hasTag(e, "ConcurrentCallsLimit", "CallRateLimitExceeded")).toBe(true);
    expect(hasTag(e, "DuplicateCall")).toBe(false);
  });
});

describe("toError", () => {
  it("bridges to an Error with the value as cause", () => {
    const e = graphError("CallingNotEnabled", { message: "(#138000) Calling not enabled" });
    const thrown = toError(e);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown.name).toBe("CallingNotEnabled");
    expect(thrown.message).toBe("CallingNotEnabled (138000): (#138000) Calling not enabled");
    expect(thrown.cause).toBe(e);
  });
});
