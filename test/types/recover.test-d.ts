import { err, errAsync, ok, okAsync, type Ok, type Result, type ResultAsync } from "neverthrow";
import { describe, expectTypeOf, it } from "vitest";
import { catchTags, matchError, type CallId, type ErrOf, type OkOf, type CallingError, type CallingErrorTag, type ErrorOf } from "wacall";
import type { AnswerError, ClientErrorOf, EnsurePermissionError, PermissionOutcome } from "wacall/client";

declare const connected: Result<CallId, ClientErrorOf<"connect">>;
declare const connecting: ResultAsync<CallId, ClientErrorOf<"connect">>;
declare const calling: Result<number, CallingError>;
declare const answering: ResultAsync<CallId, AnswerError>;
declare const plain: Result<number, string>;

/** A request error a recovery can fail with. */
interface AskFailed {
  readonly _tag: "AskFailed";
}

describe("catchTags on a Result", () => {
  const r = catchTags(connected, {
    CallPermissionNotFound: () => ok("asked" as const),
    DuplicateCall: (e) => {
      expectTypeOf(e._tag).toEqualTypeOf<"DuplicateCall">();
      return err<never, AskFailed>({ _tag: "AskFailed" });
    },
  });
  it("removes the handled tags and adds what the handlers return", () => {
    expectTypeOf(r).toExtend<Result<unknown, unknown>>();
    expectTypeOf<OkOf<typeof r>>().toEqualTypeOf<CallId | "asked">();
    expectTypeOf<ErrOf<typeof r>>().toEqualTypeOf<Exclude<ClientErrorOf<"connect">, { readonly _tag: "CallPermissionNotFound" | "DuplicateCall" }> | AskFailed>();
  });
  it("leaves a handled tag nothing to match", () => {
    if (r.isErr()) {
      // @ts-expect-error: CallPermissionNotFound was recovered, so the error can no longer be one
      if (r.error._tag === "CallPermissionNotFound") void r.error;
      matchError(r.error, {
        // @ts-expect-error: DuplicateCall is no longer a tag of the error, so it cannot have a handler
        DuplicateCall: () => 0,
        _: () => 1,
      });
      expectTypeOf(r.error._tag).toExtend<ClientErrorOf<"connect">["_tag"] | "AskFailed">();
    }
  });
  it("keeps every tag with orElse and a fallback that re-raises, for comparison", () => {
    const kept = connected.orElse((e) => matchError(e, { CallPermissionNotFound: () => ok("asked" as const), _: (other) => err(other) }));
    expectTypeOf<Extract<ErrOf<typeof kept>, { readonly _tag: "CallPermissionNotFound" }>>().not.toBeNever();
  });
  it("rejects a key that is not a tag of the error", () => {
    catchTags(connected, {
      // @ts-expect-error: FetchCallPermissionLimitHit is not an error of connect
      FetchCallPermissionLimitHit: () => ok(1),
    });
    catchTags(calling, {
      // @ts-expect-error: a typo is not a tag
      DuplicatCall: () => ok(1),
    });
    // @ts-expect-error: `_` is not a tag: recovering everything is neverthrow's orElse
    catchTags(calling, { _: () => ok(1) });
  });
  it("gives never when every tag is handled", () => {
    const all = {} as { readonly [K in CallingErrorTag]: (e: ErrorOf<K>) => Ok<0, never> };
    const r = catchTags(calling, all);
    expectTypeOf(r).toExtend<Result<unknown, unknown>>();
    expectTypeOf<ErrOf<typeof r>>().toBeNever();
    expectTypeOf<OkOf<typeof r>>().toEqualTypeOf<number>();
  });
  it("does not take an async handler on a sync Result", () => {
    // @ts-expect-error: a Result's handlers return a Result; lift the result to a ResultAsync first
    catchTags(calling, { DuplicateCall: () => okAsync(1) });
  });
  it("needs tagged errors", () => {
    // @ts-expect-error: a string error has no _tag to recover by
    catchTags(plain, {});
  });
});

describe("catchTags on a ResultAsync", () => {
  it("takes sync and async handlers and stays async", () => {
    const r = catchTags(connecting, {
      CallPermissionNotFound: () => okAsync("asked" as const),
      CallRateLimitExceeded: (e) => errAsync<never, AskFailed | typeof e>(e),
      DuplicateCall: () => ok(0 as const),
    });
    type Left = Exclude<ClientErrorOf<"connect">, { readonly _tag: "CallPermissionNotFound" | "DuplicateCall" }>;
    expectTypeOf(r).toExtend<ResultAsync<unknown, unknown>>();
    expectTypeOf<OkOf<typeof r>>().toEqualTypeOf<CallId | "asked" | 0>();
    expectTypeOf<ErrOf<typeof r>>().toEqualTypeOf<Left | AskFailed>();
  });
  it("narrows a pipeline's error", () => {
    const r = catchTags(answering, {
      AnswerWindowMissed: (e) => ok(`late by ${e.deadline.getTime()}`),
      NotAnIncomingCall: () => ok("nothing to answer"),
    });
    expectTypeOf(r).toExtend<ResultAsync<unknown, unknown>>();
    expectTypeOf<OkOf<typeof r>>().toEqualTypeOf<CallId | string>();
    expectTypeOf<ErrOf<typeof r>>().toEqualTypeOf<ClientErrorOf<"pre_accept"> | ClientErrorOf<"accept">>();
  });
  it("composes with andThen and orElse", () => {
    const r = catchTags(
      connecting.andThen((id) => (id.length > 0 ? ok(id) : err<never, AskFailed>({ _tag: "AskFailed" }))),
      { AskFailed: () => ok("retry" as const) },
    ).orElse((e) => err(e._tag));
    expectTypeOf<OkOf<typeof r>>().toEqualTypeOf<CallId | "retry">();
    expectTypeOf<ErrOf<typeof r>>().toEqualTypeOf<ClientErrorOf<"connect">["_tag"]>();
  });
});

describe("ensureCallPermission", () => {
  it("can no longer fail with what it recovers", () => {
    expectTypeOf<Extract<EnsurePermissionError, { _tag: "PermanentCallPermissionExists" | "CallPermissionRequestLimitHit" }>>().toBeNever();
    expectTypeOf<Extract<EnsurePermissionError, { _tag: "CallingNotEnabled" }>>().not.toBeNever();
    expectTypeOf<PermissionOutcome["_tag"]>().toEqualTypeOf<"Granted" | "Requested" | "NotAllowedUntil">();
  });
});
