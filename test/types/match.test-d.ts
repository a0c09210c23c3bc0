import { match, P } from "ts-pattern";
import { describe, expectTypeOf, it } from "vitest";
import {
  decodeCallingResponse,
  decodeGraphError,
  hasTag,
  matchCategory,
  matchError,
  type CallId,
  type CallingError,
  type CallingErrorTag,
  type ErrorOf,
  type GraphError,
  type GraphErrorOf,
  type GraphErrorTag,
  type GraphErrorTagOf,
  type MissingHandlers,
} from "wacall";

declare const e: GraphError;
declare const c: CallingError;

/** A complete handler record for CallingError, built from its tags. */
const allCalling = {
  CallingNotEnabled: () => 1,
  ReceiverUncallable: () => 1,
  ConcurrentCallsLimit: () => 1,
  DuplicateCall: () => 1,
  CallConnectionError: () => 1,
  CallRateLimitExceeded: () => 1,
  CallPermissionNotFound: () => 1,
  CallConnectionTimeout: () => 1,
  CallPermissionRequestLimitHit: () => 1,
  BusinessInitiatedCallsLimitHit: () => 1,
  FetchCallPermissionLimitHit: () => 1,
  BusinessInitiatedCallingUnavailable: () => 1,
  CallingTemporarilyDisabled: () => 1,
  CallingRequiresMessagingLimit: () => 1,
  PermanentCallPermissionExists: () => 1,
  CallingCannotBeEnabled: () => 1,
  CallSetupFailed: () => 1,
  RelayConnectionFailed: () => 1,
  MediaReceiveTimeout: () => 1,
  MediaTransmitTimeout: () => 1,
  CallTerminatedWithoutMedia: () => 1,
  CallingPaymentMethodMissing: () => 1,
  SipNumberRejectsGraphCalling: () => 1,
  InvalidParameterValue: () => 1,
  RecipientNotInAllowedList: () => 1,
  InvalidParameter: () => 1,
  UnknownCallingError: () => 1,
};

describe("the union", () => {
  it("has exactly the calling tags of the reference", () => {
    expectTypeOf<CallingErrorTag>().toEqualTypeOf<keyof typeof allCalling>();
  });
  it("includes every calling variant and the three fallbacks in GraphError", () => {
    expectTypeOf<CallingError>().toExtend<GraphError>();
    expectTypeOf<"MalformedResponse" | "UnknownGraphError" | "UnknownCallingError">().toExtend<GraphErrorTag>();
  });
  it("narrows by _tag to the variant", () => {
    if (e._tag === "BusinessInitiatedCallsLimitHit") {
      expectTypeOf(e).toEqualTypeOf<ErrorOf<"BusinessInitiatedCallsLimitHit">>();
      expectTypeOf(e.category).toEqualTypeOf<"limit">();
      expectTypeOf(e.retryAt).toEqualTypeOf<Date | undefined>();
    }
    if (e._tag === "MalformedResponse") {
      expectTypeOf(e.snippet).toBeString();
      // @ts-expect-error: a MalformedResponse has no code
      void e.code;
    }
  });
  it("exposes the metadata before narrowing", () => {
    expectTypeOf(e.fbtraceId).toEqualTypeOf<string | undefined>();
    expectTypeOf(e.retryable).toBeBoolean();
    expectTypeOf(e.raw).toBeUnknown();
  });
});

describe("matchError", () => {
  it("accepts a complete record and infers the result", () => {
    expectTypeOf(matchError(c, allCalling)).toBeNumber();
  });
  it("fails to compile when a variant is missing", () => {
    const { DuplicateCall: _omitted, ...missingOne } = allCalling;
    // @ts-expect-error: DuplicateCall has no handler and there is no `_` fallback
    matchError(c, missingOne);
  });
  it("requires exactly the missing handlers, so the compile error names them", () => {
    const { DuplicateCall: _a, UnknownCallingError: _b, ...missingTwo } = allCalling;
    expectTypeOf<keyof MissingHandlers<typeof missingTwo, CallingErrorTag, CallingError>>().toEqualTypeOf<"DuplicateCall" | "UnknownCallingError">();
    expectTypeOf<MissingHandlers<typeof allCalling, CallingErrorTag, CallingError>>().toBeUnknown();
    expectTypeOf<MissingHandlers<{ _: () => 0 }, CallingErrorTag, CallingError>>().toBeUnknown();
    type ByCategory = MissingHandlers<{ configuration: () => 0 }, CallingError["category"], CallingError>;
    expectTypeOf<keyof ByCategory>().toEqualTypeOf<Exclude<CallingError["category"], "configuration">>();
    expectTypeOf<Parameters<ByCategory["limit"]>[0]["category"]>().toEqualTypeOf<"limit">();
  });
  it("fails to compile for an unknown tag in an inline record", () => {
    matchError(c, {
      ...allCalling,
      // @ts-expect-error: NotACallingError is not a tag of CallingError
      NotACallingError: () => 1,
    });
  });
  it("accepts some handlers and a fallback", () => {
    const r = matchError(e, {
      CallPermissionNotFound: (x) => {
        expectTypeOf(x._tag).toEqualTypeOf<"CallPermissionNotFound">();
        return "ask";
      },
      _: (x) => x._tag,
    });
    expectTypeOf(r).toBeString();
  });
  it("matches by category exhaustively", () => {
    const r = matchCategory(c, {
      configuration: () => 0,
      permission: () => 0,
      recipient: () => 0,
      limit: (l) => l.retryAt?.getTime() ?? 0,
      conflict: () => 0,
      connection: () => 0,
      account: () => 0,
      request: () => 0,
      unknown: () => 0,
    });
    expectTypeOf(r).toBeNumber();
    // @ts-expect-error: the "limit" category of CallingError has no handler
    matchCategory(c, { configuration: () => 0, permission: () => 0, recipient: () => 0, conflict: () => 0, connection: () => 0, account: () => 0, request: () => 0, unknown: () => 0 });
  });
  it("hasTag narrows", () => {
    if (hasTag(e, "ConcurrentCallsLimit", "CallRateLimitExceeded")) {
      expectTypeOf(e._tag).toEqualTypeOf<"ConcurrentCallsLimit" | "CallRateLimitExceeded">();
    }
    // @ts-expect-error: "Nope" is not a tag of GraphError
    hasTag(e, "Nope");
  });
});

describe("ts-pattern", () => {
  const calling = (x: CallingError) =>
    match(x)
      .with({ _tag: P.union("CallingNotEnabled", "BusinessInitiatedCallingUnavailable", "CallingRequiresMessagingLimit", "CallingCannotBeEnabled", "SipNumberRejectsGraphCalling") }, () => "setup")
      .with({ category: "limit" }, (l) => `later ${l.retryAt?.toISOString() ?? ""}`)
      .with({ category: "permission" }, () => "permission")
      .with({ category: "connection" }, () => "retry")
      .with({ _tag: P.union("ReceiverUncallable", "RecipientNotInAllowedList") }, () => "user")
      .with({ _tag: "DuplicateCall" }, () => "busy")
      .with({ _tag: P.union("CallingTemporarilyDisabled", "CallingPaymentMethodMissing") }, () => "account")
      .with({ _tag: P.union("InvalidParameter", "InvalidParameterValue") }, (r) => r.details ?? "")
      .with({ _tag: "UnknownCallingError" }, (u) => String(u.code))
      .exhaustive();
  it("is exhaustive over CallingError as is", () => {
    expectTypeOf(calling).returns.toBeString();
  });
  it("fails to compile when a variant is missing", () => {
    match(c)
      .with({ category: P.union("configuration", "limit", "permission", "connection", "recipient", "account", "request", "unknown") }, () => 1)
      // @ts-expect-error: DuplicateCall (category "conflict") is not handled
      .exhaustive();
  });
});

describe("decodeCallingResponse", () => {
  it("types the success per operation", () => {
    const r = decodeCallingResponse("connect", { status: 200, body: "" });
    expectTypeOf(r.isOk() ? r.value : undefined).toEqualTypeOf<CallId | undefined>();
    const p = decodeCallingResponse("get_call_permissions", { status: 200, body: "" });
    if (p.isOk()) expectTypeOf(p.value.canCall).toBeBoolean();
    const a = decodeCallingResponse("accept", { status: 200, body: "" });
    if (a.isOk()) expectTypeOf(a.value).toEqualTypeOf<{ readonly success: true }>();
    if (a.isErr()) expectTypeOf(a.error).toEqualTypeOf<GraphErrorOf<"accept">>();
  });
  it("lists only what each operation can fail with", () => {
    expectTypeOf<Extract<GraphErrorTagOf<"accept">, "CallPermissionNotFound">>().toBeNever();
    expectTypeOf<Extract<GraphErrorTagOf<"connect">, "CallPermissionNotFound">>().toEqualTypeOf<"CallPermissionNotFound">();
    expectTypeOf<Extract<GraphErrorTagOf<"connect">, "FetchCallPermissionLimitHit">>().toBeNever();
    expectTypeOf<Extract<GraphErrorTagOf<"get_call_permissions">, "FetchCallPermissionLimitHit">>().toEqualTypeOf<"FetchCallPermissionLimitHit">();
    expectTypeOf<Extract<GraphErrorTagOf<"send_call_permission_request">, "PermanentCallPermissionExists" | "CallPermissionRequestLimitHit">>().toEqualTypeOf<"PermanentCallPermissionExists" | "CallPermissionRequestLimitHit">();
    expectTypeOf<Extract<GraphErrorTagOf<"connect">, "MediaReceiveTimeout">>().toBeNever();
    expectTypeOf<GraphErrorOf<"connect">>().toExtend<GraphError>();
  });
  it("does not take a string as a call id", () => {
    // @ts-expect-error: a plain string is not a branded CallId
    const id: CallId = "wacid.123";
    void id;
  });
  it("returns GraphError from decodeGraphError", () => {
    expectTypeOf(decodeGraphError("")).toEqualTypeOf<GraphError>();
  });
});
