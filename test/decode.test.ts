import { describe, expect, it } from "vitest";
import { catalog, decodeGraphError, graphError, isRetryableAdvice, type GraphError } from "wacall";
import { catalogCases } from "../src/testing/arbitraries.js";

const clock = () => Date.UTC(2026, 0, 1);

describe("decodeGraphError: fixtures for every cataloged code", () => {
  it.each(catalogCases.map((c) => [c.tag, c.code, c.operation] as const))(
    "%s from code %i (operation %s) in a Meta envelope",
    (tag, code, operation) => {
      const row = catalog.find((r) => r.tag === tag)!;
      const body = JSON.stringify({
        error: {
          message: `(#${code}) ${row.summary}`,
          type: "OAuthException",
          code,
          error_subcode: 2494010,
          error_data: { messaging_product: "whatsapp", details: "see the docs" },
          is_transient: false,
          error_user_title: "Title",
          error_user_msg: "Body",
          fbtrace_id: "AbCdEf123",
        },
      });
      const e = decodeGraphError(body, { status: row.httpStatus, operation, clock });
      expect(e).toEqual({
        _tag: tag,
        category: row.category,
        code,
        message: `(#${code}) ${row.summary}`,
        details: "see the docs",
        subcode: 2494010,
        fbtraceId: "AbCdEf123",
        httpStatus: row.httpStatus,
        isTransient: false,
        userTitle: "Title",
        userMessage: "Body",
        retryable: isRetryableAdvice(row.advice),
        advice: { kind: row.advice },
        raw: JSON.parse(body).error,
      });
    },
  );

  it.each(catalogCases.map((c) => [c.tag, c.code, c.operation] as const))(
    "%s from code %i (operation %s) as a webhook error object",
    (tag, code, operation) => {
      const e = decodeGraphError(
        { code, title: "T", message: "M", error_data: { details: "D" }, href: "/documentation/x" },
        { operation },
      );
      expect(e).toMatchObject({ _tag: tag, code, message: "M", details: "D" });
      expect(e).not.toHaveProperty("httpStatus");
    },
  );
});

describe("decodeGraphError: the variations of the wild", () => {
  it("reads a numeric-string code", () => {
    expect(decodeGraphError({ error: { code: "131056", message: "x" } })._tag).toBe("PairRateLimit");
  });
  it("reads error_data as a plain string and as a JSON string", () => {
    expect(decodeGraphError({ error: { code: 100, error_data: "bad SDP: no m= line" } })).toMatchObject({
      _tag: "InvalidParameter",
      details: "bad SDP: no m= line",
    });
    expect(decodeGraphError({ error: { code: 100, error_data: '{"details":"ice-ufrag missing"}' } })).toMatchObject({
      details: "ice-ufrag missing",
    });
  });
  it("keeps the trace id of the envelope's extra keys", () => {
    const e = decodeGraphError({ error: { code: 1, message: "x" }, __fb_trace_id__: "T1", __www_request_id__: "R" });
    expect(e).toMatchObject({ _tag: "ApiUnknownError", fbtraceId: "T1" });
  });
  it("takes the code from the message when the code field is missing", () => {
    expect(decodeGraphError({ error: { message: "(#138003) Duplicate call" } })._tag).toBe("DuplicateCall");
  });
  it("uses a webhook error's title when it has no message", () => {
    expect(decodeGraphError({ code: 138021, title: "Media receive timeout" }).message).toBe("Media receive timeout");
  });
  it("falls back to the catalog summary when there is no message at all", () => {
    expect(decodeGraphError({ code: 138000 }).message).toBe(catalog[0].summary);
  });
  it("uses WWW-Authenticate when the body has no message", () => {
    const e = decodeGraphError('{"error":{"code":190}}', {
      status: 401,
      headers: new Headers({ "www-authenticate": 'OAuth "Facebook Platform" "invalid_token" "Session has expired"' }),
    });
    expect(e).toMatchObject({ _tag: "AccessTokenInvalid" });
    expect(e.message).toContain("Session has expired");
  });
  it("decodes bytes", () => {
    const bytes = new TextEncoder().encode('{"error":{"code":138002,"message":"x"}}');
    expect(decodeGraphError(bytes, { status: 429 })._tag).toBe("ConcurrentCallsLimit");
  });
  it("treats is_transient as making an error retryable", () => {
    const e = decodeGraphError({ error: { code: 138006, is_transient: true } });
    expect(e).toMatchObject({ _tag: "CallPermissionNotFound", retryable: true, isTransient: true });
  });
  it("keeps 200-299 as ApiPermissionMissing with the exact number", () => {
    expect(decodeGraphError({ error: { code: 230 } })).toMatchObject({ _tag: "ApiPermissionMissing", code: 230 });
    expect(decodeGraphError({ error: { code: 300 } })).toMatchObject({ _tag: "UnknownGraphError", code: 300 });
  });
});

describe("decodeGraphError: reused codes follow the operation", () => {
  const decode = (code: number, operation?: Parameters<typeof decodeGraphError>[1] extends infer C ? C extends { operation?: infer O } ? O : never : never) =>
    decodeGraphError({ error: { code } }, { operation })._tag;
  it("138013 is the look-up rate limit on get_call_permissions and unavailability elsewhere", () => {
    expect(decode(138013, "get_call_permissions")).toBe("FetchCallPermissionLimitHit");
    expect(decode(138013, "connect")).toBe("BusinessInitiatedCallingUnavailable");
    expect(decode(138013)).toBe("BusinessInitiatedCallingUnavailable");
  });
  it("613 is the look-up rate limit on get_call_permissions (and with no operation), the generic limit elsewhere", () => {
    expect(decode(613, "get_call_permissions")).toBe("FetchCallPermissionLimitHit");
    expect(decode(613)).toBe("FetchCallPermissionLimitHit");
    expect(decode(613, "connect")).toBe("ApiRateLimit");
    expect(decode(613, "update_settings")).toBe("ApiRateLimit");
  });
});

describe("decodeGraphError: fallbacks", () => {
  it.each([138008, 138010, 138011, 138016, 138999])("keeps undocumented calling code %i", (code) => {
    expect(decodeGraphError({ error: { code } })).toMatchObject({ _tag: "UnknownCallingError", code, category: "unknown" });
  });
  it("keeps any other unknown code", () => {
    expect(decodeGraphError({ error: { code: 4242 } })).toMatchObject({ _tag: "UnknownGraphError", code: 4242 });
  });

  const cases: [string, unknown, number | undefined, string][] = [
    ["an HTML page", "<!DOCTYPE html><html><body>Sorry, something went wrong.</body></html>", 500, "not-json"],
    ["a proxy's plain text", "upstream connect error or disconnect/reset before headers", 502, "not-json"],
    ["truncated JSON", '{"error":{"message":"(#138006) No appr', 401, "invalid-json"],
    ["an error string", '{"error":"proxy timeout"}', 504, "error-is-string"],
    ["an empty body", "", 502, "empty"],
    ["whitespace", "  \n ", 503, "empty"],
    ["null", null, undefined, "empty"],
    ["an array", "[1,2]", 400, "no-error-object"],
    ["a number", 42, undefined, "no-error-object"],
    ["success false", { success: false }, 200, "success-false"],
    ["an error object without a code", { error: { message: "something" } }, 400, "no-code"],
  ];
  it.each(cases)("classifies %s as MalformedResponse", (_name, body, status, reason) => {
    const e = decodeGraphError(body, { status });
    expect(e).toMatchObject({ _tag: "MalformedResponse", category: "malformed", reason });
    if (status !== undefined) expect(e.httpStatus).toBe(status);
    if (e._tag === "MalformedResponse") expect(e.snippet.length).toBeLessThanOrEqual(256);
  });
  it("marks 5xx malformed bodies retryable and 4xx not", () => {
    expect(decodeGraphError("<html>", { status: 502 }).retryable).toBe(true);
    expect(decodeGraphError("<html>", { status: 400 }).retryable).toBe(false);
  });
  it("bounds the snippet of a huge body", () => {
    const e = decodeGraphError("<html>" + "x".repeat(1_000_000), { status: 502 });
    expect(e._tag === "MalformedResponse" && e.snippet.length).toBe(256);
  });
});

describe("retryAt", () => {
  const now = Date.UTC(2025, 3, 20);
  const at = (e: GraphError) => e.retryAt?.toISOString();
  it("reads unix seconds, milliseconds and ISO dates in 138012's details", () => {
    const make = (details: string) => decodeGraphError({ error: { code: 138012, error_data: { details } } }, { clock: () => now });
    expect(at(make("Next call allowed at 1745622600"))).toBe("2025-04-25T23:10:00.000Z");
    expect(at(make("retry after 1745622600000 ms epoch"))).toBe("2025-04-25T23:10:00.000Z");
    expect(at(make("You may call again after 2025-04-25T23:10:00Z."))).toBe("2025-04-25T23:10:00.000Z");
    expect(make("no time here").retryAt).toBeUndefined();
  });
  it("ignores times in the details of codes that do not document one", () => {
    const e = decodeGraphError({ error: { code: 100, error_data: { details: "at 1745622600" } } }, { clock: () => now });
    expect(e.retryAt).toBeUndefined();
  });
  it("reads Retry-After as seconds and as an HTTP date", () => {
    const e1 = decodeGraphError({ error: { code: 138002 } }, { status: 429, headers: { "Retry-After": "30" }, clock: () => now });
    expect(e1.retryAt?.getTime()).toBe(now + 30_000);
    const e2 = decodeGraphError({ error: { code: 138002 } }, { headers: new Headers({ "retry-after": "Tue, 22 Apr 2025 10:00:00 GMT" }), clock: () => now });
    expect(at(e2)).toBe("2025-04-22T10:00:00.000Z");
  });
  it("reads estimated_time_to_regain_access (minutes) from the usage headers", () => {
    const usage = JSON.stringify({ "123": [{ type: "whatsapp", call_count: 100, estimated_time_to_regain_access: 7 }] });
    const e = decodeGraphError({ error: { code: 80007 } }, { headers: { "x-business-use-case-usage": usage }, clock: () => now });
    expect(e.retryAt?.getTime()).toBe(now + 7 * 60_000);
  });
  it("prefers details over Retry-After and Retry-After over usage headers", () => {
    const e = decodeGraphError(
      { error: { code: 138012, error_data: { details: "1745622600" } } },
      { headers: { "retry-after": "5", "x-app-usage": '{"estimated_time_to_regain_access":9}' }, clock: () => now },
    );
    expect(at(e)).toBe("2025-04-25T23:10:00.000Z");
    const e2 = decodeGraphError({ error: { code: 4 } }, { headers: { "retry-after": "5", "x-app-usage": '{"estimated_time_to_regain_access":9}' }, clock: () => now });
    expect(e2.retryAt?.getTime()).toBe(now + 5000);
  });
  it("clamps a time in the past to now", () => {
    const e = decodeGraphError({ error: { code: 138012, error_data: { details: "1000000000" } } }, { clock: () => now });
    expect(e.retryAt?.getTime()).toBe(now);
  });
});

describe("redaction", () => {
  it("removes tokens, bearer values and ICE credentials from every string field", () => {
    const token = "EAAGm0PX4ZCpsBAKZAZB1234567890abcdef";
    const e = decodeGraphError(
      {
        error: {
          code: 100,
          message: `Invalid parameter for token ${token}`,
          error_data: { details: "SDP rejected: a=ice-ufrag:Xy12\r\na=ice-pwd:s3cr3tpassw0rd1234" },
          error_user_msg: "Authorization: Bearer abc.def.ghi",
        },
      },
      { status: 400 },
    );
    const json = JSON.stringify(e);
    expect(json).not.toContain(token);
    expect(json).not.toContain("s3cr3tpassw0rd1234");
    expect(json).not.toContain("Xy12");
    expect(json).not.toContain("abc.def.ghi");
    expect(e.details).toContain("a=ice-pwd:[redacted]");
  });
  it("redacts the snippet of a malformed body", () => {
    const e = decodeGraphError("<html>access_token=EAAB1234567890abcdefg</html>", { status: 502 });
    expect(JSON.stringify(e)).not.toContain("1234567890abcdefg");
  });
  it("graphError builds the same value the decoder does", () => {
    const e = graphError("CallPermissionNotFound", { httpStatus: 401, raw: undefined });
    expect(e).toEqual({ _tag: "CallPermissionNotFound", category: "permission", code: 138006, message: catalog.find((r) => r.tag === "CallPermissionNotFound")!.summary, httpStatus: 401, retryable: false, advice: { kind: "after-permission" }, raw: undefined });
  });
});

describe("redaction of escaped JSON text", () => {
  it("still finds a token spelled with \\u escapes", () => {
    const text = '{"error":{"code":100,"message":"token \\u0045AAGm0PX4ZCpsBAKZAZB123456"}}';
    const e = decodeGraphError(text);
    expect(e.message).toContain("EAA[redacted]");
    expect(JSON.stringify(e)).not.toContain("Gm0PX4ZCpsBAKZAZB123456");
  });
});

describe("webhook error href", () => {
  it("is kept on the decoded value, redacted like every string, and encoded back", () => {
    const href = "/documentation/business-messaging/whatsapp/support/error-codes#138021";
    const e = decodeGraphError({ code: 138021, title: "Media timeout", message: "No media", href });
    expect(e).toMatchObject({ _tag: "MediaReceiveTimeout", href });
    expect(decodeGraphError({ code: 138021, message: "x", href: "https://x.example/?access_token=abcdefgh123" }).href).not.toContain("abcdefgh123");
    expect(decodeGraphError({ code: 138021, message: "x" })).not.toHaveProperty("href");
  });
});

describe("the decode context", () => {
  it("is always read from its own fields: a `scrub` member of the caller's object does not replace the told secrets", () => {
    const secret = "pl41n-s3cret-value-42";
    const context = { status: 400, secrets: [secret], scrub: { forms: [] } };
    for (const body of [`{"error":{"code":100,"message":"The value ${secret} was not accepted"}}`, `<html>The value ${secret} was not accepted</html>`]) {
      expect(JSON.stringify(decodeGraphError(body, context))).not.toContain(secret);
    }
  });
});
