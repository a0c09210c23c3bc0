import { describe, expectTypeOf, it } from "vitest";
import { matchError, type GraphError } from "wacall";
import type { AnswerError, PermissionOutcome } from "wacall/client";
import { decodeWebhook, eventCatalog, type CallEvent, type CallingRestriction, type CallingSettingsChanged, type CallingViolation, type CallRecordingAvailable, type CallTerminate, type CallTranscriptionAvailable, type SignatureError, type SipCallCreated, type Voicemail } from "wacall/webhook";

declare const event: CallEvent;

describe("webhook events", () => {
  it("match exhaustively by _tag", () => {
    const all = {
      CallConnect: () => 1,
      CallTerminate: (t: CallTerminate) => t.errors.length,
      CallStatus: () => 1,
      CallPermissionReply: () => 1,
      SipCallCreated: (e: SipCallCreated) => e.callId.length,
      CallRecordingAvailable: (e: CallRecordingAvailable) => e.recording.mediaId.length,
      CallTranscriptionAvailable: (e: CallTranscriptionAvailable) => e.transcript.mediaId.length,
      Voicemail: (e: Voicemail) => e.audio.mediaId.length,
      CallingViolation: (e: CallingViolation) => e.rawViolationType.length,
      CallingRestriction: (e: CallingRestriction) => e.restrictions.length,
      CallingSettingsChanged: (e: CallingSettingsChanged) => (e.calling.status === "ENABLED" ? 1 : 0),
      UnknownCallEvent: () => 1,
      UnknownChange: () => 1,
    };
    expectTypeOf(matchError(event, all)).toBeNumber();
    const { UnknownChange: _dropped, ...missing } = all;
    // @ts-expect-error: UnknownChange has no handler and there is no `_` fallback
    matchError(event, missing);
    const { Voicemail: _v, ...noVoicemail } = all;
    // @ts-expect-error: Voicemail has no handler and there is no `_` fallback
    matchError(event, noVoicemail);
    const { CallingSettingsChanged: _s, ...noSettings } = all;
    // @ts-expect-error: CallingSettingsChanged has no handler and there is no `_` fallback
    matchError(event, noSettings);
  });
  it("the event catalog names every event tag, and only those", () => {
    expectTypeOf<(typeof eventCatalog)[number]["tag"]>().toEqualTypeOf<CallEvent["_tag"]>();
  });
  it("enum-like fields of the new events keep unknown values", () => {
    expectTypeOf<CallingViolation["violationType"]>().toEqualTypeOf<"LOW_BUSINESS_INITIATED_CALLING_QUALITY" | "LOW_USER_INITIATED_CALLING_QUALITY" | "USER_INITIATED_CALLS_LOW_PICKUP_RATE" | "UNKNOWN">();
    expectTypeOf<CallingRestriction["restrictions"][number]["restrictionType"]>().toEqualTypeOf<
      "RESTRICTED_BUSINESS_INITIATED_CALLING" | "RESTRICTED_USER_INITIATED_CALLING" | "RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN" | "UNKNOWN"
    >();
    expectTypeOf<CallRecordingAvailable["recording"]["type"]>().toEqualTypeOf<"audio" | "UNKNOWN">();
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
