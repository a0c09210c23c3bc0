import { match, P } from "ts-pattern";
import { describe, expectTypeOf, it } from "vitest";
import { byAdvice, byCategory, byTag, calling, type CallingError, type GraphError } from "wacall";
import type { ClientErrorOf } from "wacall/client";

declare const e: GraphError;
declare const c: CallingError;
declare const connect: ClientErrorOf<"connect">;

describe("the exported patterns narrow like written ones", () => {
  it("by category", () => {
    match(e)
      .with(byCategory.limit, (l) => {
        expectTypeOf(l.category).toEqualTypeOf<"limit">();
        expectTypeOf(l.retryAt).toEqualTypeOf<Date | undefined>();
      })
      .otherwise(() => undefined);
    match(connect)
      .with(byCategory.transport, (t) => expectTypeOf(t._tag).toEqualTypeOf<"NetworkError" | "Timeout" | "Aborted" | "ResponseTooLarge" | "UnexpectedRedirect" | "OutcomeUnknown">())
      .otherwise(() => undefined);
  });
  it("by retry advice", () => {
    match(e)
      .with(byAdvice.at, (x) => expectTypeOf(x.advice).toEqualTypeOf<{ readonly kind: "at"; readonly at: Date }>())
      // The fallbacks carry any advice, so they can have this one too.
      .with(byAdvice["refresh-token"], (x) =>
        expectTypeOf(x._tag).toEqualTypeOf<"AuthenticationFailed" | "AccessTokenInvalid" | "UnknownCallingError" | "UnknownGraphError" | "MalformedResponse">(),
      )
      .otherwise(() => undefined);
  });
  it("by tag, with P.union and P.select", () => {
    const r = match(e)
      .with(P.union(byTag.DuplicateCall, byTag.CallPermissionNotFound), (x) => x._tag)
      .with({ ...byTag.BusinessInitiatedCallsLimitHit, retryAt: P.select() }, (at) => at)
      .otherwise(() => undefined);
    expectTypeOf(r).toEqualTypeOf<"DuplicateCall" | "CallPermissionNotFound" | Date | undefined>();
  });
  it("the calling subset covers CallingError exhaustively, and a missing category does not compile", () => {
    const b = calling.byCategory;
    const all = match(c)
      .with(P.union(b.configuration, b.permission, b.recipient, b.limit, b.conflict, b.connection, b.account, b.request, b.unknown), () => 1)
      .exhaustive();
    expectTypeOf(all).toBeNumber();
    match(c)
      .with(P.union(b.configuration, b.permission, b.recipient, b.limit, b.connection, b.account, b.request, b.unknown), () => 1)
      // @ts-expect-error: the conflict category (DuplicateCall) is not handled
      .exhaustive();
  });
  it("has no pattern for what does not exist", () => {
    // @ts-expect-error: "transport" is not a category of calling errors
    void calling.byCategory.transport;
    // @ts-expect-error: AccessTokenInvalid is a Graph error, not a calling one
    void calling.byTag.AccessTokenInvalid;
    // @ts-expect-error: there is no "soon" advice kind
    void byAdvice.soon;
  });
});
