import { inspect } from "node:util";
import fc from "fast-check";
import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { connectChange, delivery, permissionReplyChange, statusChange, terminateChange } from "wacall/testing";
import { arbHostileValueWith, hostileCases } from "../../src/testing/arbitraries.js";
import { decodeWebhook, decodeWebhookItems, type CallEvent } from "wacall/webhook";

const T = Date.UTC(2026, 10, 25, 10, 0, 0);
const ICE_UFRAG = "UfragQx7Lm";
const ICE_PWD = "IcePwdVerySecret0123456789";
const SDP = `v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\na=ice-ufrag:${ICE_UFRAG}\r\na=ice-pwd:${ICE_PWD}\r\na=fingerprint:sha-256 AB:CD\r\n`;
const APP_SECRET = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c";

/** Every printed form of a value that must not show a secret. */
const printed = (v: unknown): string[] => [JSON.stringify(v) ?? "", inspect(v, { depth: null }), inspect(v, { depth: null, showHidden: true }), inspect(v)];

function decodeSafely(v: unknown): void {
  for (const decode of [decodeWebhook, decodeWebhookItems]) {
    const r = decode(v, { secrets: [APP_SECRET] });
    expect(r.isOk() || r.isErr()).toBe(true);
    expect(() => JSON.stringify(r)).not.toThrow();
    if (r.isOk()) {
      const events = Array.isArray(r.value) ? r.value : r.value.events;
      for (const e of events) expect(() => inspect(e, { depth: null })).not.toThrow();
    }
  }
}

const arrayWithConstructor = (items: unknown[]): unknown[] => Object.defineProperty(items, "constructor", { value: "not a constructor", enumerable: true });

/** Slots of a delivery the webhook walk reads itself; `errors[]` items also go through decodeGraphError. */
const walkSlots: ((v: unknown) => unknown)[] = [
  (v) => ({ object: "whatsapp_business_account", entry: v }),
  (v) => ({ object: v, entry: [] }),
  (v) => delivery([{ field: "calls", value: { metadata: v, contacts: v, calls: v, statuses: v, messages: v } }]),
  (v) => delivery([{ field: "calls", value: { calls: [v, { id: "wacid.ok", event: "terminate", status: "COMPLETED" }] } }]),
  (v) => delivery([{ field: "calls", value: { calls: [{ id: "wacid.v", event: "connect", session: { sdp_type: "offer", sdp: v }, from: v, timestamp: v, extra: v }] } }]),
  (v) => delivery([{ field: "calls", value: { statuses: [{ id: "wacid.s", type: "call", status: v, extra: v }] } }]),
  (v) => delivery([{ field: "messages", value: { messages: [{ id: "m", from: "1", interactive: { call_permission_reply: { response: v, is_permanent: v, expiration_timestamp: v } }, extra: v }] } }]),
  (v) => delivery([{ field: "account_update", value: { event: v, detail: v } }]),
];
const errorSlots: ((v: unknown) => unknown)[] = [
  (v) => delivery([{ field: "calls", value: { errors: v, calls: [{ id: "wacid.e", event: "terminate", status: "FAILED" }] } }]),
  (v) => delivery([{ field: "calls", value: { errors: [v], calls: [{ id: "wacid.e", event: "terminate", status: "FAILED" }] } }]),
];

describe("decodeWebhook never throws", () => {
  it.each(hostileCases({ hugeLength: 2_000_000, depth: 20_000, expansive: false }).map((c) => [c.name, c] as const))("%s, alone and in every slot of a delivery", (_name, c) => {
    decodeSafely(c.make());
    for (const slot of [...walkSlots, ...errorSlots]) decodeSafely(slot(c.make()));
  });

  // Small in memory, astronomically large as a tree: only a walk with a budget returns from them.
  it.each(hostileCases({ hugeLength: 1_000, depth: 1_000 }).filter((c) => !hostileCases({ hugeLength: 1_000, depth: 1_000, expansive: false }).some((d) => d.name === c.name)).map((c) => [c.name, c] as const))(
    "%s, in every slot the webhook walk reads itself",
    (_name, c) => {
      decodeSafely(c.make());
      for (const slot of walkSlots) decodeSafely(slot(c.make()));
    },
  );

  it("arrays with an own constructor key, BigInts, cycles and revoked Proxies inside a delivery", () => {
    const cyclic: Record<string, unknown> = { id: "wacid.C", event: "terminate", status: "COMPLETED" };
    cyclic["self"] = cyclic;
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const body = delivery([
      { field: "calls", value: { calls: arrayWithConstructor([{ id: "wacid.A", event: "connect", tags: arrayWithConstructor([1, 2]) }]), errors: arrayWithConstructor([{ code: 138021 }]) } },
      { field: "calls", value: { calls: [{ id: "wacid.B", event: "terminate", status: "FAILED", duration: 10n, extra: 2n ** 70n }] } },
      { field: "calls", value: { calls: [cyclic, revoked.proxy] } },
    ]);
    const r = decodeWebhookItems(body)._unsafeUnwrap();
    expect(r.events.map((e) => e._tag === "CallConnect" || e._tag === "CallTerminate" ? e.callId : e._tag)).toEqual(["wacid.A", "wacid.B", "wacid.C"]);
    expect(r.problems).toEqual([{ _tag: "MalformedItem", path: "$.entry[0].changes[2].value.calls[1]", message: expect.any(String) }]);
    expect(() => JSON.stringify(r)).not.toThrow();
  });

  test.prop([arbHostileValueWith({ hugeLength: 200_000, depth: 5_000, expansive: false })], { numRuns: 300 })("over generated hostile values, every result is JSON-safe", (v) => {
    decodeSafely(v);
  });
});

describe("one malformed item does not take the delivery down", () => {
  it("returns the valid events and each bad item with its JSON path", () => {
    const good = connectChange({ callId: "wacid.GOOD", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T });
    const body = delivery([
      good,
      { field: "calls", value: { calls: [{ event: "connect" }, { id: "wacid.TWO", event: "terminate", status: "COMPLETED" }] } },
      statusChange({ callId: "wacid.S", status: "RINGING", recipientId: "3", timestamp: T }),
      { field: "messages", value: { messages: [{ id: "m", from: "1", interactive: { call_permission_reply: "accept" } }] } },
      { field: "calls", value: { errors: "not a list", calls: [{ id: "wacid.T3", event: "terminate", status: "FAILED" }] } },
    ]);
    const { events, problems } = decodeWebhookItems(JSON.stringify(body))._unsafeUnwrap();
    expect(events.map((e) => e._tag)).toEqual(["CallConnect", "CallTerminate", "CallStatus", "CallTerminate"]);
    expect(problems.map((p) => p.path)).toEqual([
      "$.entry[0].changes[1].value.calls[0].id",
      "$.entry[0].changes[3].value.messages[0].interactive.call_permission_reply",
      "$.entry[0].changes[4].value.errors",
    ]);
    // The strict form still refuses the delivery, at the first bad item.
    expect(decodeWebhook(body)._unsafeUnwrapErr()).toMatchObject({ _tag: "MalformedDelivery", path: "$.entry[0].changes[1].value.calls[0].id" });
  });
});

describe("events leak no secret", () => {
  it("a connect event keeps the SDP for the application and prints it without ICE credentials", () => {
    const body = delivery([connectChange({ callId: "wacid.I", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T, sdp: { type: "offer", sdp: SDP } })]);
    const [e] = decodeWebhook(body)._unsafeUnwrap();
    expect(e?._tag === "CallConnect" && e.session?.sdp).toBe(SDP);
    for (const text of printed(e)) {
      expect(text).not.toContain(ICE_PWD);
      expect(text).not.toContain(ICE_UFRAG);
    }
    expect(inspect(e)).toContain("a=ice-pwd:[redacted]");
    expect(JSON.stringify({ ...(e?._tag === "CallConnect" ? e.session : {}) })).not.toContain(ICE_PWD);
  });

  it("CallStatus.raw and CallPermissionReply.raw are redacted", () => {
    const token = `EAAB${"x7".repeat(30)}`;
    const status = statusChange({ callId: "wacid.S", status: "ACCEPTED", recipientId: "3", timestamp: T });
    Object.assign((status.value["statuses"] as Record<string, unknown>[])[0] ?? {}, { access_token: "plain-token-value-1234", note: `Bearer ${token}` });
    const reply = permissionReplyChange({ from: "1555", messageId: "wamid.R", timestamp: T, response: "accept", isPermanent: false, expiresAt: T + 1000 });
    Object.assign((reply.value["messages"] as Record<string, unknown>[])[0] ?? {}, { client_secret: "plain-secret-value-5678", note: `access_token=${token}` });
    const events = decodeWebhook(delivery([status, reply]))._unsafeUnwrap();
    expect(events.map((e) => e._tag)).toEqual(["CallStatus", "CallPermissionReply"]);
    for (const text of events.flatMap(printed)) {
      for (const secret of [token, "plain-token-value-1234", "plain-secret-value-5678"]) expect(text).not.toContain(secret);
    }
  });

  it("NotAWhatsAppWebhook does not echo its input", () => {
    for (const object of [`EAAB${"Zq9".repeat(20)}`, "my-own-token-that-is-not-eaa-shaped-0123456789", APP_SECRET]) {
      const e = decodeWebhook({ object, entry: [] }, { secrets: [APP_SECRET] })._unsafeUnwrapErr();
      expect(e._tag).toBe("NotAWhatsAppWebhook");
      expect(e.message).not.toContain(object.slice(0, 12));
    }
    expect(decodeWebhook({ object: "page", entry: [] })._unsafeUnwrapErr().message).toContain('"page"');
  });

  const arbSdpLine = fc.constantFrom("a=ice-pwd:", "a=ice-ufrag:", "a=ice-pwd: ", "a=ICE-PWD:");
  const fields = ["id", "from", "to", "biz_opaque_callback_data", "status", "direction", "note", "event"] as const;
  const arbBuild = fc.constantFrom(
    (call: Record<string, unknown>, sdp: string) => connectChange({ callId: String(call["id"]), from: "1", to: "2", direction: "USER_INITIATED", timestamp: T, sdp: { type: "offer", sdp } }),
    () => terminateChange({ callId: "wacid.T", from: "1", to: "2", direction: "USER_INITIATED", timestamp: T, status: "FAILED" }),
    () => statusChange({ callId: "wacid.S", status: "RINGING", recipientId: "3", timestamp: T }),
  );
  test.prop([arbBuild, fc.constantFrom(...fields), arbSdpLine, fc.stringMatching(/^[A-Za-z0-9+/]{8,40}$/), fc.constantFrom("plain", "percent", "json", "nested")], { numRuns: 200 })(
    "JSON.stringify and util.inspect of every event never show an ICE credential or the app secret",
    (build, field, sdpLine, ice, form) => {
      const sdp = `v=0\r\n${sdpLine}${ice}\r\n`;
      const change = build({ id: "wacid.P" }, sdp);
      const list = (change.value["calls"] ?? change.value["statuses"]) as Record<string, unknown>[];
      const item = list[0] ?? {};
      const secret = form === "percent" ? encodeURIComponent(`${APP_SECRET}/+`) : APP_SECRET;
      item[field] = form === "nested" ? { deep: [{ value: `x ${secret} y` }] } : form === "json" ? JSON.stringify({ s: secret }) : `${field}-${secret}`;
      const r = decodeWebhookItems(JSON.stringify(delivery([change])), { secrets: [`${APP_SECRET}/+`, APP_SECRET] });
      const events: CallEvent[] = r.isOk() ? r.value.events : [];
      for (const text of [...events.flatMap(printed), ...printed(r)]) {
        expect(text).not.toContain(APP_SECRET);
        expect(text).not.toContain(ice);
      }
    },
  );
});
