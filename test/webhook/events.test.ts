import { describe, expect, it } from "vitest";
import { encodeWebhookError, graphError } from "wacall";
import { connectChange, delivery, permissionReplyChange, statusChange, terminateChange } from "wacall/testing";
import { decodeWebhook } from "wacall/webhook";

const T = Date.UTC(2026, 10, 25, 10, 0, 0);
const OFFER = "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\na=ice-ufrag:Ab12\r\na=ice-pwd:VerySecretIcePassword99\r\n";

describe("decodeWebhook: one fixture per event", () => {
  it("an inbound connect with the SDP offer and the caller's profile", () => {
    const body = JSON.stringify(delivery([connectChange({ callId: "wacid.IN1", from: "15551112222", to: "15550009999", direction: "USER_INITIATED", timestamp: T, sdp: { type: "offer", sdp: OFFER }, contactName: "Ana" })]));
    const [e] = decodeWebhook(body)._unsafeUnwrap();
    expect(e).toMatchObject({
      _tag: "CallConnect",
      callId: "wacid.IN1",
      from: "15551112222",
      direction: "USER_INITIATED",
      timestamp: new Date(T),
      session: { sdpType: "offer", sdp: OFFER },
      contact: { waId: "15551112222", name: "Ana" },
      metadata: { phoneNumberId: "1234567890", displayPhoneNumber: "15550009999" },
    });
    // Serialized, the event hides the ICE credentials (also in raw).
    expect(JSON.stringify(e)).not.toContain("VerySecretIcePassword99");
  });
  it("an outbound connect with the user's SDP answer and the opaque data", () => {
    const body = delivery([connectChange({ callId: "wacid.OUT1", from: "15550009999", to: "15551112222", direction: "BUSINESS_INITIATED", timestamp: T, sdp: { type: "answer", sdp: "v=0\r\n" }, bizOpaqueCallbackData: "ticket-9" })]);
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ _tag: "CallConnect", direction: "BUSINESS_INITIATED", session: { sdpType: "answer" }, bizOpaqueCallbackData: "ticket-9" });
  });
  it("a completed terminate with times and duration", () => {
    const body = delivery([terminateChange({ callId: "wacid.X", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T, status: "COMPLETED", startTime: T - 60_000, endTime: T, duration: 60 })]);
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ _tag: "CallTerminate", status: "COMPLETED", startTime: new Date(T - 60_000), endTime: new Date(T), durationSeconds: 60, errors: [] });
  });
  it.each([
    ["MediaReceiveTimeout", 138021],
    ["CallSetupFailed", 138019],
    ["RelayConnectionFailed", 138020],
    ["MediaTransmitTimeout", 138022],
    ["CallTerminatedWithoutMedia", 138023],
    ["CallingPaymentMethodMissing", 131044],
  ] as const)("a failed terminate carries %s (%i) decoded like an API error", (tag, code) => {
    const body = delivery([terminateChange({ callId: "wacid.F", from: "1", to: "2", direction: "BUSINESS_INITIATED", timestamp: T, status: "FAILED", errors: [encodeWebhookError(graphError(tag, { details: "no media for 20 s" }))] })]);
    const [e] = decodeWebhook(body)._unsafeUnwrap();
    expect(e?._tag).toBe("CallTerminate");
    expect(e?._tag === "CallTerminate" && e.errors).toMatchObject([{ _tag: tag, code, details: "no media for 20 s" }]);
  });
  it("a terminate without a title in its error (as in Meta's sample)", () => {
    const body = delivery([terminateChange({ callId: "wacid.F", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T, status: "FAILED" })]);
    (body["entry"] as { changes: { value: Record<string, unknown> }[] }[])[0]!.changes[0]!.value["errors"] = [{ code: 138021, message: "Media receive timeout", error_data: { details: "x" }, href: "/d" }];
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ errors: [{ _tag: "MediaReceiveTimeout", message: "Media receive timeout" }] });
  });
  it.each([["Failed", "FAILED"], ["completed", "COMPLETED"], ["REJECTED", "REJECTED"], ["HUNG_UP", "UNKNOWN"]])("terminate status %s reads as %s", (raw, status) => {
    const body = delivery([terminateChange({ callId: "wacid.S", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T, status: raw })]);
    expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ status, rawStatus: raw });
  });
  it.each(["RINGING", "ACCEPTED", "REJECTED"])("a call status %s", (status) => {
    const body = delivery([statusChange({ callId: "wacid.O", status, recipientId: "15551112222", timestamp: T, bizOpaqueCallbackData: "t" })]);
    expect(decodeWebhook(body)._unsafeUnwrap()).toEqual([expect.objectContaining({ _tag: "CallStatus", callId: "wacid.O", status, recipientId: "15551112222", bizOpaqueCallbackData: "t" })]);
  });
  it("a permission reply, with its expiry as a string or a number", () => {
    for (const asNumber of [false, true]) {
      const body = delivery([permissionReplyChange({ from: "15551112222", messageId: "wamid.R", timestamp: T, response: "accept", isPermanent: false, expiresAt: T + 7 * 86_400_000, expirationAsNumber: asNumber })]);
      expect(decodeWebhook(body)._unsafeUnwrap()[0]).toMatchObject({ _tag: "CallPermissionReply", from: "15551112222", response: "accept", isPermanent: false, expiresAt: new Date(T + 7 * 86_400_000), responseSource: "user_action" });
    }
  });
});

describe("decodeWebhook: batches and unknowns", () => {
  it("returns every event of a batch in order", () => {
    const body = {
      object: "whatsapp_business_account",
      entry: [
        { id: "1", changes: [connectChange({ callId: "wacid.A", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T }), statusChange({ callId: "wacid.B", status: "RINGING", recipientId: "3", timestamp: T })] },
        { id: "2", changes: [terminateChange({ callId: "wacid.A", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T, status: "COMPLETED" })] },
      ],
    };
    expect(decodeWebhook(body)._unsafeUnwrap().map((e) => e._tag)).toEqual(["CallConnect", "CallStatus", "CallTerminate"]);
  });
  it("keeps unknown call events and unknown fields as values", () => {
    const body = delivery([
      { field: "calls", value: { calls: [{ id: "wacid.U", event: "transfer", extra: 1 }] } },
      { field: "account_update", value: { event: "VERIFIED" } },
    ]);
    expect(decodeWebhook(body)._unsafeUnwrap()).toMatchObject([
      { _tag: "UnknownCallEvent", event: "transfer", callId: "wacid.U", raw: { extra: 1 } },
      { _tag: "UnknownChange", field: "account_update" },
    ]);
  });
  it("keeps unknown fields of a known event in raw", () => {
    const change = connectChange({ callId: "wacid.A", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T });
    ((change.value["calls"] as Record<string, unknown>[])[0]!)["new_field"] = "kept";
    expect(decodeWebhook(delivery([change]))._unsafeUnwrap()[0]).toMatchObject({ raw: { new_field: "kept" } });
  });
  it("skips message traffic that is not a calling event", () => {
    const body = delivery([{ field: "messages", value: { messages: [{ from: "1", id: "wamid.T", type: "text", text: { body: "hi" } }], statuses: [{ id: "wamid.T", status: "read" }] } }]);
    expect(decodeWebhook(body)._unsafeUnwrap()).toEqual([]);
  });
});

describe("decodeWebhook: malformed deliveries", () => {
  it.each([
    ["not JSON", "<html>", "InvalidJson", "$"],
    ["another object", { object: "page", entry: [] }, "NotAWhatsAppWebhook", "$.object"],
    ["entry not an array", { object: "whatsapp_business_account", entry: {} }, "MalformedDelivery", "$.entry"],
    ["a change without value", { object: "whatsapp_business_account", entry: [{ changes: [{ field: "calls" }] }] }, "MalformedDelivery", "$.entry[0].changes[0].value"],
    ["a call without id", { object: "whatsapp_business_account", entry: [{ changes: [{ field: "calls", value: { calls: [{ event: "connect" }] } }] }] }, "MalformedDelivery", "$.entry[0].changes[0].value.calls[0].id"],
    ["errors not an array", { object: "whatsapp_business_account", entry: [{ changes: [{ field: "calls", value: { errors: "x" } }] }] }, "MalformedDelivery", "$.entry[0].changes[0].value.errors"],
  ])("%s → %s at %s", (_n, body, tag, path) => {
    expect(decodeWebhook(body)._unsafeUnwrapErr()).toMatchObject({ _tag: tag, path });
  });
});
