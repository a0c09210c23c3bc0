import { describe, expect, it } from "vitest";
import { decodeWebhook, type CallEvent } from "wacall/webhook";
import { fixture } from "./fixtures.js";

const at = (s: number) => new Date(s * 1000);
const only = (name: string): CallEvent => {
  const events = decodeWebhook(fixture(name))._unsafeUnwrap();
  expect(events).toHaveLength(1);
  return events[0] as CallEvent;
};
const MEDIA_URL = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=";

describe("calls events beyond connect and terminate (reference 8.2, 8.3)", () => {
  it("call_recording_available → CallRecordingAvailable with the media", () => {
    expect(only("CallRecordingAvailable")).toMatchObject({
      _tag: "CallRecordingAvailable",
      callId: "wacid.REC1",
      from: "15551112222",
      timestamp: at(1764065000),
      recording: { type: "audio", mediaId: "1234567890123456", sha256: expect.stringMatching(/^a3f1/), mimeType: "audio/ogg; codecs=opus", url: expect.stringContaining(MEDIA_URL) },
      metadata: { phoneNumberId: "106540352242922" },
    });
  });
  it("call_transcription_available → CallTranscriptionAvailable with the document", () => {
    expect(only("CallTranscriptionAvailable")).toMatchObject({
      _tag: "CallTranscriptionAvailable",
      callId: "wacid.REC1",
      timestamp: at(1764065100),
      transcript: { mediaId: "6543210987654321", sha256: expect.stringMatching(/^b4d6/), mimeType: "application/json", url: expect.stringContaining(MEDIA_URL) },
    });
  });
  it("call_created on a SIP number → SipCallCreated, without a session", () => {
    const e = only("SipCallCreated");
    expect(e).toMatchObject({ _tag: "SipCallCreated", callId: "wacid.SIP1", from: "15551112222", direction: "USER_INITIATED", contact: { waId: "15551112222", name: "Ana" } });
    expect(e).not.toHaveProperty("session");
  });
  it("a recording of another media type keeps the type and reads its media", () => {
    const body = JSON.parse(fixture("CallRecordingAvailable"));
    const call = body.entry[0].changes[0].value.calls[0];
    call.call_recording = { type: "video", video: { id: "555", mime_type: "video/mp4" } };
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ _tag: "CallRecordingAvailable", recording: { type: "UNKNOWN", rawType: "video", mediaId: "555", mimeType: "video/mp4" } });
  });
});

describe("messages: voicemail (reference 8.5)", () => {
  it("an audio message whose id is a wacid. → Voicemail; with a wamid. it is not a calling event", () => {
    expect(only("Voicemail")).toMatchObject({
      _tag: "Voicemail",
      callId: "wacid.MISSED1",
      from: "15551112222",
      timestamp: at(1764065200),
      audio: { mediaId: "7777777777777777", mimeType: "audio/ogg; codecs=opus", sha256: expect.stringMatching(/^c8e0/) },
      contact: { waId: "15551112222", userId: "US.13491208655302741918" },
    });
    const body = JSON.parse(fixture("Voicemail"));
    body.entry[0].changes[0].value.messages[0].id = "wamid.AUDIO";
    expect(decodeWebhook(body)._unsafeUnwrap()).toEqual([]);
  });
});

describe("account events about calling (reference 8.4)", () => {
  it("ACCOUNT_VIOLATION about calling → CallingViolation", () => {
    expect(only("CallingViolation")).toMatchObject({
      _tag: "CallingViolation",
      violationType: "USER_INITIATED_CALLS_LOW_PICKUP_RATE",
      rawViolationType: "USER_INITIATED_CALLS_LOW_PICKUP_RATE",
      phoneNumber: "15550009999",
      businessAccountId: "102290129340398",
      timestamp: at(1764065300),
    });
  });
  it.each(["LOW_BUSINESS_INITIATED_CALLING_QUALITY", "LOW_USER_INITIATED_CALLING_QUALITY"])("violation %s", (type) => {
    const body = JSON.parse(fixture("CallingViolation"));
    body.entry[0].changes[0].value.violation_info.violation_type = type;
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ _tag: "CallingViolation", violationType: type });
  });
  it("a calling violation Meta adds later is kept as UNKNOWN with the raw value; other violations stay UnknownChange", () => {
    const body = JSON.parse(fixture("CallingViolation"));
    body.entry[0].changes[0].value.violation_info.violation_type = "LOW_CALLING_ANSWER_RATE";
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ _tag: "CallingViolation", violationType: "UNKNOWN", rawViolationType: "LOW_CALLING_ANSWER_RATE" });
    body.entry[0].changes[0].value.violation_info.violation_type = "SCAM";
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ _tag: "UnknownChange", field: "account_update" });
  });
  it("ACCOUNT_RESTRICTION (wrapped in a top-level array) → CallingRestriction with expiries from seconds and ISO dates; not about calling, UnknownChange", () => {
    expect(only("CallingRestriction")).toMatchObject({
      _tag: "CallingRestriction",
      phoneNumber: "15550009999",
      restrictions: [
        { restrictionType: "RESTRICTED_BUSINESS_INITIATED_CALLING", expiresAt: at(1764670100), remediation: "Improve call quality" },
        { restrictionType: "RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN", expiresAt: new Date("2025-12-02T10:00:00Z") },
      ],
    });
    const [body] = JSON.parse(fixture("CallingRestriction"));
    body.entry[0].changes[0].value.restriction_info = [{ restriction_type: "RESTRICTED_ADD_PHONE_NUMBER_ACTION", expiration: 1 }];
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ _tag: "UnknownChange", field: "account_update" });
  });
  it("the account payload itself wrapped in an array: one event per element, paths per element", () => {
    const body = JSON.parse(fixture("CallingViolation"));
    const payload = body.entry[0].changes[0].value;
    body.entry[0].changes[0].value = [payload, "broken", { ...payload, event: "VERIFIED_ACCOUNT" }];
    const r = decodeWebhook(body);
    expect(r._unsafeUnwrapErr()).toMatchObject({ path: "$.entry[0].changes[0].value[1]" });
  });
  it("PHONE_NUMBER_SETTINGS → CallingSettingsChanged decoded like GET /settings; settings not about calling, UnknownChange", () => {
    expect(only("CallingSettingsChanged")).toMatchObject({
      _tag: "CallingSettingsChanged",
      phoneNumber: "106540352242922",
      timestamp: at(1764065400),
      calling: { status: "ENABLED", callIconVisibility: "DEFAULT", callbackPermissionStatus: "ENABLED", srtpKeyExchangeProtocol: "DTLS", callHours: { timezone_id: "Europe/Berlin" }, sip: { status: "DISABLED" } },
    });
    const body = JSON.parse(fixture("CallingSettingsChanged"));
    body.entry[0].changes[0].value = { type: "PHONE_NUMBER_SETTINGS", phone_number_settings: { phone_number_id: "1", payment: {} } };
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ _tag: "UnknownChange", field: "account_settings_update" });
  });
});

describe("documented fields of the core events (reference 8.6)", () => {
  it("a user-initiated connect: business-scoped ids on the call and the contact, deeplink and CTA payloads", () => {
    expect(only("CallConnect")).toMatchObject({
      _tag: "CallConnect",
      fromUserId: "US.13491208655302741918",
      fromParentUserId: "US.ENT.11815799212886844830",
      deeplinkPayload: "summer-promo",
      ctaPayload: "support-button",
      contact: { waId: "15551112222", name: "Ana", userId: "US.13491208655302741918", parentUserId: "US.ENT.11815799212886844830" },
      session: { sdpType: "offer" },
    });
  });
  it("a business-initiated connect: the answer from connection.webrtc equals the one from session", () => {
    const viaConnection = only("CallConnect-connection-webrtc");
    const viaSession = only("CallConnect-session-answer");
    expect(viaConnection).toMatchObject({ toUserId: "US.13491208655302741918", toParentUserId: "US.ENT.11815799212886844830" });
    expect(viaConnection._tag === "CallConnect" && viaConnection.session?.sdp).toBe(viaSession._tag === "CallConnect" && viaSession.session?.sdp);
    expect(viaConnection._tag === "CallConnect" && viaConnection.session?.sdpType).toBe("answer");
    expect(JSON.stringify(viaConnection)).not.toContain("FixtureAnswerPwd987654321");
  });
  it("a call status: the recipient's business-scoped ids", () => {
    expect(only("CallStatus")).toMatchObject({ _tag: "CallStatus", recipientId: "15551112222", recipientUserId: "US.13491208655302741918", recipientParentUserId: "US.ENT.11815799212886844830" });
  });
  it("a terminate error keeps its href", () => {
    expect(only("CallTerminate-errors-in-call")).toMatchObject({ errors: [{ _tag: "MediaReceiveTimeout", href: "/documentation/business-messaging/whatsapp/support/error-codes" }] });
  });
});
