import { describe, expectTypeOf, it } from "vitest";
import { decodeSipResponse, matchError, type SipError, type SipErrorTag } from "wacall";

declare const anySip: SipError;

describe("SIP error types", () => {
  it("narrowing a twin tag gives the Graph fields and the SIP fields", () => {
    const e = decodeSipResponse("SIP/2.0 403 No Approved Call Permission Found");
    if (e._tag === "CallPermissionNotFound") {
      expectTypeOf(e.code).toEqualTypeOf<number>();
      expectTypeOf(e.channel).toEqualTypeOf<"sip">();
      expectTypeOf(e.category).toEqualTypeOf<"permission">();
    }
    if (e._tag === "SipUserDeclined") {
      expectTypeOf(e.sipStatus).toEqualTypeOf<number>();
      // @ts-expect-error: a SIP variant without a Graph twin has no Graph code
      void e.code;
    }
  });

  it("an exhaustive match must name every SIP tag", () => {
    const handlers = {
      CallPermissionNotFound: () => 0, BusinessInitiatedCallsLimitHit: () => 0, DuplicateCall: () => 0,
      CallingPaymentMethodMissing: () => 0, InvalidParameter: () => 0, SipDigestAuthInvalid: () => 0,
      SipServerNotConfigured: () => 0, SipAppNotAuthorized: () => 0, SipAssetNotFound: () => 0, SipNotFound: () => 0,
      SipProxyAuthenticationRequired: () => 0, MediaReceiveTimeout: () => 0, SipTemporarilyUnavailable: () => 0,
      SipUserDeclined: () => 0, SipRequestTerminated: () => 0, SipServiceUnavailable: () => 0,
      UnknownSipResponse: () => 0, MalformedSipResponse: () => 0,
    } satisfies Record<SipErrorTag, () => number>;
    expectTypeOf(matchError(anySip, handlers)).toEqualTypeOf<number>();
    const { SipUserDeclined: _, ...missing } = handlers;
    // @ts-expect-error: SipUserDeclined has no handler
    matchError(anySip, missing);
  });
});
