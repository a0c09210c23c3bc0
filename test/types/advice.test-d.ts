import { describe, expectTypeOf, it } from "vitest";
import { matchError, type ErrorOf, type GraphError, type RetryAdvice } from "wacall";

declare const e: GraphError;

describe("retry advice types", () => {
  it("is literal per variant: a handler knows its advice without a runtime check", () => {
    expectTypeOf<ErrorOf<"DuplicateCall">["advice"]>().toEqualTypeOf<{ readonly kind: "after-current-call" }>();
    expectTypeOf<ErrorOf<"CallPermissionNotFound">["advice"]>().toEqualTypeOf<{ readonly kind: "after-permission" }>();
    expectTypeOf<ErrorOf<"AccessTokenInvalid">["advice"]>().toEqualTypeOf<{ readonly kind: "refresh-token" }>();
    expectTypeOf<ErrorOf<"BusinessInitiatedCallsLimitHit">["advice"]>().toEqualTypeOf<{ readonly kind: "backoff" } | { readonly kind: "at"; readonly at: Date }>();
    expectTypeOf<ErrorOf<"UnknownGraphError">["advice"]>().toEqualTypeOf<RetryAdvice>();
  });

  it("narrowing by tag narrows the advice", () => {
    matchError(e, {
      DuplicateCall: (x) => {
        // @ts-expect-error: DuplicateCall's advice is never "backoff"
        const k: "backoff" = x.advice.kind;
        return k;
      },
      BusinessInitiatedCallsLimitHit: (x) => (x.advice.kind === "at" ? x.advice.at.toISOString() : "later"),
      _: () => "other",
    });
  });
});
