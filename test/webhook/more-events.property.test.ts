import { inspect } from "node:util";
import fc from "fast-check";
import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { arbHostileValueWith, hostileCases } from "../../src/testing/arbitraries.js";
import { decodeWebhook, decodeWebhookItems, eventKey, type CallEvent } from "wacall/webhook";

const APP_SECRET = "5e8b1d4f7a0c3e6b9d2f5a8c1e4b7d0f";
const printed = (v: unknown): string[] => [JSON.stringify(v) ?? "", inspect(v, { depth: null }), inspect(v, { depth: null, showHidden: true })];
const delivery = (field: string, value: unknown) => ({ object: "whatsapp_business_account", entry: [{ id: "102290129340398", time: 1764065300, changes: [{ field, value }] }] });
const calls = (...items: unknown[]) => delivery("calls", { messaging_product: "whatsapp", metadata: { phone_number_id: "106540352242922" }, calls: items });

/** One generated item of each new kind, built from the shapes of the reference (section 8), with the tag it decodes to. */
const kinds = {
  recording: (id: string, media: string) => calls({ id: `wacid.${id}`, from: "1555", event: "call_recording_available", timestamp: "1764065000", call_recording: { type: "audio", audio: { id: media, sha256: "ab", mime_type: "audio/ogg; codecs=opus", url: "https://x.test/m" } } }),
  transcript: (id: string, media: string) => calls({ id: `wacid.${id}`, from: "1555", event: "call_transcription_available", timestamp: "1764065000", call_transcript: { document: { id: media, sha256: "cd", mime_type: "application/json" } } }),
  sip: (id: string) => calls({ id: `wacid.${id}`, from: "1555", to: "1666", event: "call_created", direction: "USER_INITIATED", timestamp: "1764065000" }),
  voicemail: (id: string, media: string) => delivery("messages", { metadata: { phone_number_id: "1" }, messages: [{ from: "1555", id: `wacid.${id}`, type: "audio", timestamp: "1764065000", audio: { id: media, mime_type: "audio/ogg" } }] }),
  violation: (id: string) => delivery("account_update", { phone_number: id, event: "ACCOUNT_VIOLATION", violation_info: { violation_type: "LOW_USER_INITIATED_CALLING_QUALITY" } }),
  restriction: (id: string, media: string) => delivery("account_update", { phone_number: id, event: "ACCOUNT_RESTRICTION", restriction_info: [{ restriction_type: "RESTRICTED_USER_INITIATED_CALLING", expiration: Number(media.slice(0, 9)) || 1, remediation: "r" }] }),
  settings: (id: string) => delivery("account_settings_update", { type: "PHONE_NUMBER_SETTINGS", phone_number_settings: { phone_number_id: id, calling: { status: "ENABLED", call_icon_visibility: "DISABLE_ALL" } } }),
} as const;
const tags: Record<keyof typeof kinds, CallEvent["_tag"]> = {
  recording: "CallRecordingAvailable",
  transcript: "CallTranscriptionAvailable",
  sip: "SipCallCreated",
  voicemail: "Voicemail",
  violation: "CallingViolation",
  restriction: "CallingRestriction",
  settings: "CallingSettingsChanged",
};
const arbKind = fc.constantFrom(...(Object.keys(kinds) as (keyof typeof kinds)[]));
const arbId = fc.string({ unit: fc.constantFrom(..."ABCDEFabcdef0123456789"), minLength: 4, maxLength: 16 });
const arbMedia = fc.stringMatching(/^[1-9][0-9]{9,16}$/);

describe("new events: decoded from generated items", () => {
  test.prop([arbKind, arbId, arbMedia])("each kind decodes to its tag, with its ids", (kind, id, media) => {
    const [e] = decodeWebhook(JSON.stringify(kinds[kind](id, media)))._unsafeUnwrap();
    expect(e?._tag).toBe(tags[kind]);
    const text = JSON.stringify(e);
    expect(text).toContain(id);
    if (kind === "recording" || kind === "transcript" || kind === "voicemail") expect(text).toContain(`"mediaId":"${media}"`);
  });
  test.prop([fc.array(fc.tuple(arbKind, arbId, arbMedia), { minLength: 2, maxLength: 8 })])("event keys: distinct items get distinct keys, a redelivery the same key", async (items) => {
    const decoded = items.map(([k, id, media]) => decodeWebhook(JSON.stringify(kinds[k](id, media)))._unsafeUnwrap()[0] as CallEvent);
    const keys = await Promise.all(decoded.map((e) => eventKey(e)));
    const again = await Promise.all(items.map(([k, id, media]) => eventKey(decodeWebhook(JSON.stringify(kinds[k](id, media)))._unsafeUnwrap()[0] as CallEvent)));
    expect(again).toEqual(keys);
    const distinctItems = new Set(items.map(([k, id, media]) => JSON.stringify(kinds[k](id, media)))).size;
    expect(new Set(keys).size).toBe(distinctItems);
  });
});

describe("new events: one bad item does not take the delivery down", () => {
  const broken = [
    ["a recording without its media", calls({ id: "wacid.R", event: "call_recording_available", call_recording: { type: "audio" } }), "$.entry[0].changes[0].value.calls[0].call_recording.audio"],
    ["a recording without a media id", calls({ id: "wacid.R", event: "call_recording_available", call_recording: { type: "audio", audio: { sha256: "x" } } }), "$.entry[0].changes[0].value.calls[0].call_recording.audio.id"],
    ["a transcript without its document", calls({ id: "wacid.T", event: "call_transcription_available", call_transcript: {} }), "$.entry[0].changes[0].value.calls[0].call_transcript.document"],
    ["a SIP call without an id", calls({ event: "call_created" }), "$.entry[0].changes[0].value.calls[0].id"],
    ["a voicemail without audio", delivery("messages", { messages: [{ id: "wacid.V", type: "audio", from: "1" }] }), "$.entry[0].changes[0].value.messages[0].audio"],
    ["an account update that is not an object", delivery("account_update", "x"), "$.entry[0].changes[0].value"],
    ["a wrapped delivery element that is not one", [kinds.sip("GOOD"), { object: "page" }], "$[1].object"],
  ] as const;
  it.each(broken)("%s: reported at its path, the good events beside it still come through", (_name, bad, path) => {
    const good = kinds.violation("15550009999");
    const base = Array.isArray(bad) ? bad : [good, bad, kinds.settings("1")];
    const body = Array.isArray(bad) ? bad : base;
    const { events, problems } = decodeWebhookItems(JSON.stringify(body))._unsafeUnwrap();
    expect(problems.map((p) => p.path)).toEqual([path.replace("$.entry", Array.isArray(bad) ? "$.entry" : "$[1].entry")]);
    expect(events.map((e) => e._tag)).toEqual(Array.isArray(bad) ? ["SipCallCreated"] : ["CallingViolation", "CallingSettingsChanged"]);
  });
});

/** Every slot the new decoders read, with a hostile value put there. */
const newSlots: ((v: unknown) => unknown)[] = [
  (v) => calls({ id: "wacid.R", event: "call_recording_available", call_recording: v }),
  (v) => calls({ id: "wacid.R", event: "call_recording_available", call_recording: { type: v, audio: v } }),
  (v) => calls({ id: "wacid.R", event: "call_recording_available", call_recording: { type: "audio", audio: { id: v, sha256: v, mime_type: v, url: v } } }),
  (v) => calls({ id: "wacid.T", event: "call_transcription_available", call_transcript: { document: v } }),
  (v) => calls({ id: "wacid.S", event: "call_created", from_user_id: v, to_user_id: v, from_parent_user_id: v, to_parent_user_id: v }),
  (v) => calls({ id: "wacid.C", event: "connect", direction: "BUSINESS_INITIATED", connection: v, deeplink_payload: v, cta_payload: v }),
  (v) => calls({ id: "wacid.C", event: "connect", connection: { webrtc: { sdp: v, sdp_type: v } } }),
  (v) => calls({ id: "wacid.T", event: "terminate", status: "FAILED", errors: v }),
  (v) => calls({ id: "wacid.T", event: "terminate", status: "FAILED", errors: [v] }, { id: "wacid.U", event: "terminate", status: "FAILED", errors: [v, v] }),
  (v) => delivery("calls", { contacts: [{ user_id: v, parent_user_id: v, profile: v }], calls: [{ id: "wacid.S", event: "call_created" }], statuses: [{ id: "wacid.s", type: "call", recipient_user_id: v, recipient_parent_user_id: v }] }),
  (v) => delivery("messages", { messages: [{ id: "wacid.V", type: "audio", from: v, audio: v }] }),
  (v) => delivery("messages", { messages: [{ id: "wacid.V", type: "audio", audio: { id: v, mime_type: v, sha256: v } }] }),
  (v) => delivery("account_update", v),
  (v) => delivery("account_update", [v, v]),
  (v) => delivery("account_update", { event: "ACCOUNT_VIOLATION", violation_info: v, phone_number: v }),
  (v) => delivery("account_update", { event: "ACCOUNT_VIOLATION", violation_info: { violation_type: v } }),
  (v) => delivery("account_update", { event: "ACCOUNT_RESTRICTION", restriction_info: v }),
  (v) => delivery("account_update", { event: "ACCOUNT_RESTRICTION", restriction_info: [v, { restriction_type: "RESTRICTED_USER_INITIATED_CALLING", expiration: v, remediation: v }] }),
  (v) => delivery("account_settings_update", { type: "PHONE_NUMBER_SETTINGS", calling: v }),
  (v) => delivery("account_settings_update", { type: "PHONE_NUMBER_SETTINGS", phone_number_settings: { phone_number_id: v, calling: { status: v, sip: v, call_hours: v } } }),
  (v) => [v, delivery("account_update", {})],
  (v) => [delivery("account_update", {}), v],
];

function decodeSafely(v: unknown): void {
  for (const decode of [decodeWebhook, decodeWebhookItems]) {
    const r = decode(v, { secrets: [APP_SECRET] });
    expect(r.isOk() || r.isErr()).toBe(true);
    expect(() => JSON.stringify(r)).not.toThrow();
    if (r.isOk()) for (const e of Array.isArray(r.value) ? r.value : r.value.events) expect(() => inspect(e, { depth: null })).not.toThrow();
  }
}

describe("new events never throw", () => {
  it.each(hostileCases({ hugeLength: 1_000_000, depth: 10_000, expansive: false }).map((c) => [c.name, c] as const))("%s in every slot the new decoders read", (_name, c) => {
    for (const slot of newSlots) decodeSafely(slot(c.make()));
  }, 30_000);
  test.prop([fc.constantFrom(...newSlots), arbHostileValueWith({ hugeLength: 100_000, depth: 2_000, expansive: false })], { numRuns: 300 })("over generated hostile values in a generated slot", (slot, v) => {
    decodeSafely(slot(v));
  });
});

describe("new events leak no secret", () => {
  const ice = fc.stringMatching(/^[A-Za-z0-9+/]{12,40}$/);
  test.prop([ice])("a connect answer from connection.webrtc prints without its ICE password", (pwd) => {
    const [e] = decodeWebhook(calls({ id: "wacid.C", event: "connect", direction: "BUSINESS_INITIATED", connection: { webrtc: { sdp: `v=0\r\na=ice-pwd:${pwd}\r\n` } } }))._unsafeUnwrap();
    expect(e?._tag === "CallConnect" && e.session?.sdp).toContain(pwd);
    for (const text of printed(e)) expect(text).not.toContain(pwd);
  });
  const slotsWithText: [CallEvent["_tag"], (s: string) => unknown][] = [
    ["CallRecordingAvailable", (s) => kinds.recording(`R${s}`, s)],
    ["CallRecordingAvailable", (s) => calls({ id: "wacid.R", event: "call_recording_available", call_recording: { type: "audio", audio: { id: "1", url: `https://x.test/?s=${s}`, mime_type: s, note: s } } })],
    ["CallTranscriptionAvailable", (s) => calls({ id: "wacid.T", event: "call_transcription_available", call_transcript: { document: { id: s, sha256: s } } })],
    ["SipCallCreated", (s) => calls({ id: "wacid.S", event: "call_created", from_user_id: s, deeplink_payload: s })],
    ["CallConnect", (s) => calls({ id: "wacid.C", event: "connect", deeplink_payload: s, cta_payload: `x${s}y`, to_parent_user_id: s })],
    ["Voicemail", (s) => delivery("messages", { messages: [{ id: "wacid.V", type: "audio", from: s, audio: { id: s, sha256: s } }] })],
    ["CallingViolation", (s) => delivery("account_update", { event: "ACCOUNT_VIOLATION", phone_number: s, violation_info: { violation_type: `LOW_CALLING_${s}` } })],
    ["CallingRestriction", (s) => delivery("account_update", { event: "ACCOUNT_RESTRICTION", restriction_info: [{ restriction_type: "RESTRICTED_USER_INITIATED_CALLING", remediation: s }, { restriction_type: s }] })],
    ["CallingSettingsChanged", (s) => delivery("account_settings_update", { type: "PHONE_NUMBER_SETTINGS", calling: { status: s, sip: { servers: [{ hostname: "sip.x.test", password: s, note: s }] }, call_hours: { note: s } } })],
  ];
  test.prop([fc.constantFrom(...slotsWithText), fc.constantFrom("plain", "percent", "json")], { numRuns: 100 })("JSON.stringify and util.inspect of every new event never show the app secret", ([tag, slot], form) => {
    const s = form === "percent" ? encodeURIComponent(`${APP_SECRET}/+`) : form === "json" ? JSON.stringify({ k: APP_SECRET }) : APP_SECRET;
    const r = decodeWebhookItems(JSON.stringify(slot(s)), { secrets: [`${APP_SECRET}/+`, APP_SECRET] });
    expect(r.isOk() && r.value.events.map((e) => e._tag)).toEqual([tag]);
    for (const text of printed(r)) expect(text).not.toContain(APP_SECRET);
  });
});
