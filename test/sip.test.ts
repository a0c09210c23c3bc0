import { inspect } from "node:util";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { catalogEntry, decodeSipResponse, isRetryableAdvice, matchError, sipCatalog, type SipError } from "wacall";

/** A reason phrase each row is chosen by, in Meta's wording where the troubleshooting page gives one. */
const sample = (row: (typeof sipCatalog)[number]): string => {
  const phrases: readonly string[] = row.phrases;
  return phrases.length === 0 ? "Whatever Meta Says" : `Something ${phrases[0]} here`;
};

describe("decodeSipResponse", () => {
  it.each(sipCatalog.map((r) => [r.tag, r] as const))("%s: decoded from its status and reason phrase", (tag, row) => {
    const e = decodeSipResponse(`SIP/2.0 ${row.status} ${sample(row)}\r\nVia: SIP/2.0/TLS x\r\n\r\n`);
    expect(e._tag).toBe(tag);
    expect(e).toMatchObject({ channel: "sip", sipStatus: row.status, sipReason: sample(row), retryable: isRetryableAdvice(row.advice), advice: { kind: row.advice } });
    if ("twin" in row) {
      const twin = catalogEntry(row.twin);
      expect(e.category).toBe(twin.category);
      expect("code" in e && e.code).toBe(twin.codes[0]);
    } else {
      expect(e.category).toBe(row.category);
    }
  });

  it("rows with a twin state the twin's category and advice (the README table shows the row's)", () => {
    for (const row of sipCatalog) {
      if (!("twin" in row)) continue;
      expect(row.category).toBe(catalogEntry(row.twin).category);
      expect(row.advice).toBe(catalogEntry(row.twin).advice);
    }
  });

  it("Meta's own wording maps to the Graph twin", () => {
    const cases: readonly (readonly [string, string])[] = [
      ["SIP/2.0 403 No Approved Call Permission Found", "CallPermissionNotFound"],
      ["SIP/2.0 403 Business Initiated Connected Call Per Day Limit Hit", "BusinessInitiatedCallsLimitHit"],
      ["SIP/2.0 408 RTP Timeout", "MediaReceiveTimeout"],
      ["SIP/2.0 403 SIP server sip.example.com from INVITE does not match any SIP server configured for the phone number", "SipServerNotConfigured"],
      ["SIP/2.0 403 The app configured for the SIP server is not authorized for the phone number", "SipServerNotConfigured"],
      ["SIP/2.0 407 Proxy Authentication Required", "SipProxyAuthenticationRequired"],
      ["SIP/2.0 480 Temporarily Unavailable", "SipTemporarilyUnavailable"],
      ["SIP/2.0 486 Busy Here", "SipUserDeclined"],
      ["SIP/2.0 503 Service Unavailable", "SipServiceUnavailable"],
      ["403 duplicate call", "DuplicateCall"],
    ];
    for (const [text, tag] of cases) expect(decodeSipResponse(text)._tag, text).toBe(tag);
  });

  it("the Warning header's text selects the row when the reason phrase is generic", () => {
    const e = decodeSipResponse('SIP/2.0 403 Forbidden\r\nWarning: 399 wa.meta.vc "No Approved Call Permission Found"\r\n\r\n');
    expect(e).toMatchObject({ _tag: "CallPermissionNotFound", warning: "No Approved Call Permission Found", sipReason: "Forbidden" });
  });

  it("Retry-After gives retryAt", () => {
    const e = decodeSipResponse("SIP/2.0 503 Service Unavailable\r\nRetry-After: 120\r\n\r\n", { clock: () => 1_000 });
    expect(e.retryAt?.getTime()).toBe(121_000);
  });

  it("an uncataloged status is UnknownSipResponse and keeps it; no status line is MalformedSipResponse", () => {
    expect(decodeSipResponse("SIP/2.0 606 Not Acceptable")).toMatchObject({ _tag: "UnknownSipResponse", sipStatus: 606, retryable: false });
    expect(decodeSipResponse("SIP/2.0 500 Server Internal Error")).toMatchObject({ _tag: "UnknownSipResponse", retryable: true });
    expect(decodeSipResponse({ status: 486, reason: "Declined" })._tag).toBe("SipUserDeclined");
    for (const v of ["", "hello", "<html>", null, 5, {}]) expect(decodeSipResponse(v)._tag).toBe("MalformedSipResponse");
  });

  it("secrets in the response are redacted", () => {
    const e = decodeSipResponse('SIP/2.0 407 Proxy Authentication Required\r\nAuthorization: Digest username="u", response="abc", password=hunter2hunter2\r\nX: Bearer s3cr3tT0kenValue\r\n\r\n', { secrets: ["sipCredential9"] });
    expect(JSON.stringify(e)).not.toMatch(/hunter2hunter2|s3cr3tT0kenValue/);
  });

  it("one handler record covers a SIP failure and the Graph error it means", () => {
    const e: SipError = decodeSipResponse("SIP/2.0 403 No Approved Call Permission Found");
    const next = matchError(e, { CallPermissionNotFound: () => "ask for permission", _: () => "other" });
    expect(next).toBe("ask for permission");
  });

  test.prop([fc.anything({ withBigInt: true, withTypedArray: true }), fc.string({ maxLength: 300, unit: "binary" })])("total: any input gives a JSON-safe SipError", (v, s) => {
    for (const input of [v, s, `SIP/2.0 ${s}`, `SIP/2.0 403 ${s}`]) {
      const e = decodeSipResponse(input);
      expect(typeof e._tag).toBe("string");
      expect(() => JSON.stringify(e)).not.toThrow();
      expect(() => inspect(e)).not.toThrow();
    }
  });

  it("a hostile object or a multi-megabyte reason is still a value", () => {
    const p = Proxy.revocable({}, {});
    p.revoke();
    expect(decodeSipResponse(p.proxy)._tag).toBe("MalformedSipResponse");
    const e = decodeSipResponse(`SIP/2.0 403 ${"no approved call permission ".repeat(200_000)}`);
    expect(e._tag).toBe("CallPermissionNotFound");
    expect(JSON.stringify(e).length).toBeLessThan(40_000);
  });
});
