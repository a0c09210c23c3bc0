import { describe, expectTypeOf, it } from "vitest";
import { matchError, type GraphError } from "wacall";
import type { AnswerError, PermissionOutcome } from "wacall/client";
import { decodeWebhook, type CallEvent, type CallTerminate, type SignatureError } from "wacall/webhook";

declare const event: CallEvent;

describe("webhook events", () => {
  it("match exhaustively by _tag", () => {
    const all = {
      CallConnect: () => 1,
      CallTerminate: (t: CallTerminate) => t.errors.length,
      CallStatus: () => 1,
      CallPermissionReply: () => 1,
      UnknownCallEvent: () => 1,
      UnknownChange: () => 1,
    };
    expectTypeOf(matchError(event, all)).toBeNumber();
    const { UnknownChange: _dropped, ...missing } = all;
    // @ts-expect-error: UnknownChange has no handler and there is no `_` fallback
    matchError(event, missing);
  });
  it("decode terminate errors into the same GraphError union as API failures", () => {
    expectTypeOf<CallTerminate["errors"][number]>().toEqualTypeOf<GraphError>();
    const r = decodeWebhook("");
    if (r.isOk()) expectTypeOf(r.value).toEqualTypeOf<CallEvent[]>();
  });
  it("signature errors are a closed union", () => {
    expectTypeOf<SignatureError["_tag"]>().toEqualTypeOf<
      "MissingSignature" | "MalformedSignature" | "UnsupportedAlgorithm" | "SignatureMismatch" | "BodyNotRaw" | "NoSecretConfigured"
    >();
  });
});

describe("pipelines", () => {
  it("permission outcomes are a closed union", () => {
    expectTypeOf<PermissionOutcome["_tag"]>().toEqualTypeOf<"Granted" | "Requested" | "NotAllowedUntil">();
  });
  it("answering adds only the window and direction errors to the client's", () => {
    expectTypeOf<Extract<AnswerError["_tag"], "AnswerWindowMissed" | "NotAnIncomingCall" | "OutcomeUnknown">>().toEqualTypeOf<"AnswerWindowMissed" | "NotAnIncomingCall">();
  });
});
