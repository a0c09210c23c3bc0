import { describe, expect, it } from "vitest";
import { asCallId, decodeCallingResponse } from "wacall";

describe("decodeCallingResponse", () => {
  it("connect: returns the call id", () => {
    const r = decodeCallingResponse("connect", {
      status: 200,
      body: JSON.stringify({ messaging_product: "whatsapp", calls: [{ id: "wacid.HBgLMTIzNDU2Nzg5MA" }] }),
    });
    expect(r._unsafeUnwrap()).toBe("wacid.HBgLMTIzNDU2Nzg5MA");
  });
  it("connect: a 2xx body without a call id is an error", () => {
    const r = decodeCallingResponse("connect", { status: 200, body: { messaging_product: "whatsapp", calls: [] } });
    expect(r._unsafeUnwrapErr()).toMatchObject({ _tag: "MalformedResponse", reason: "unexpected-success-shape", httpStatus: 200 });
  });
  it.each(["pre_accept", "accept", "reject", "terminate", "update_settings"] as const)("%s: success true (with or without messaging_product)", (op) => {
    expect(decodeCallingResponse(op, { status: 200, body: '{"messaging_product":"whatsapp","success":true}' })._unsafeUnwrap()).toEqual({ success: true });
    expect(decodeCallingResponse(op, { status: 200, body: { success: true } })._unsafeUnwrap()).toEqual({ success: true });
  });
  it("success: false on 200 is an error value", () => {
    const r = decodeCallingResponse("accept", { status: 200, body: { success: false } });
    expect(r._unsafeUnwrapErr()).toMatchObject({ _tag: "MalformedResponse", reason: "success-false" });
  });
  it("an error body on 200 is decoded as the error", () => {
    const r = decodeCallingResponse("accept", { status: 200, body: { error: { code: 138007 } } });
    expect(r._unsafeUnwrapErr()._tag).toBe("CallConnectionTimeout");
  });
  it("a non-2xx status decodes the error with the operation", () => {
    const r = decodeCallingResponse("get_call_permissions", { status: 400, body: '{"error":{"code":138013}}' });
    expect(r._unsafeUnwrapErr()).toMatchObject({ _tag: "FetchCallPermissionLimitHit", httpStatus: 400 });
    const c = decodeCallingResponse("connect", { status: 400, body: '{"error":{"code":138013}}' });
    expect(c._unsafeUnwrapErr()._tag).toBe("BusinessInitiatedCallingUnavailable");
  });
  it("an HTML 502 is MalformedResponse", () => {
    const r = decodeCallingResponse("connect", { status: 502, body: "<html><body>Bad Gateway</body></html>" });
    expect(r._unsafeUnwrapErr()).toMatchObject({ _tag: "MalformedResponse", reason: "not-json", retryable: true });
  });
  it("truncated JSON on 200 is MalformedResponse", () => {
    const r = decodeCallingResponse("connect", { status: 200, body: '{"messaging_product":"whatsapp","calls":[{"id":"wac' });
    expect(r._unsafeUnwrapErr()).toMatchObject({ _tag: "MalformedResponse", reason: "invalid-json" });
  });
  it("send_call_permission_request: returns the message id", () => {
    const body = { messaging_product: "whatsapp", contacts: [{ input: "1555", wa_id: "1555" }], messages: [{ id: "wamid.HBgL" }] };
    expect(decodeCallingResponse("send_call_permission_request", { status: 200, body })._unsafeUnwrap()).toBe("wamid.HBgL");
  });

  describe("get_call_permissions", () => {
    it("reads the guide's shape", () => {
      const body = {
        messaging_product: "whatsapp",
        permission: { status: "temporary", expiration_time: 1745343479 },
        actions: [
          { action_name: "send_call_permission_request", can_perform_action: true, limits: [{ time_period: "PT24H", max_allowed: 1, current_usage: 0 }, { time_period: "P7D", max_allowed: 2, current_usage: 1 }] },
          { action_name: "start_call", can_perform_action: false, limits: [{ time_period: "PT24H", max_allowed: 100, current_usage: 100, limit_expiration_time: 1745622600 }] },
        ],
      };
      const p = decodeCallingResponse("get_call_permissions", { status: 200, body })._unsafeUnwrap();
      expect(p).toEqual({
        status: "temporary",
        rawStatus: "temporary",
        expiresAt: new Date(1745343479_000),
        canCall: false,
        canRequestPermission: true,
        actions: [
          { name: "send_call_permission_request", canPerform: true, limits: [{ period: "PT24H", maxAllowed: 1, currentUsage: 0 }, { period: "P7D", maxAllowed: 2, currentUsage: 1 }] },
          { name: "start_call", canPerform: false, limits: [{ period: "PT24H", maxAllowed: 100, currentUsage: 100, resetsAt: new Date(1745622600_000) }] },
        ],
      });
    });
    it("reads the OpenAPI shape: other status words, limits as a string, no actions", () => {
      const body = { permission: { status: "granted" }, actions: [{ action_name: "start_call", can_perform_action: true, limits: "" }] };
      const p = decodeCallingResponse("get_call_permissions", { status: 200, body })._unsafeUnwrap();
      expect(p).toMatchObject({ status: "granted", canCall: true, actions: [{ name: "start_call", limits: [] }] });
      expect(p).not.toHaveProperty("expiresAt");
      const none = decodeCallingResponse("get_call_permissions", { status: 200, body: { permission: { status: "no_permission" } } })._unsafeUnwrap();
      expect(none).toMatchObject({ status: "no_permission", canCall: false, canRequestPermission: true, actions: [] });
      const limits24h = decodeCallingResponse("get_call_permissions", { status: 200, body: { permission: { status: "permanent" }, actions: [{ action_name: "start_call", can_perform_action: true, limits: [{ time_period: "24h", max_allowed: "5", current_usage: "1" }] }] } })._unsafeUnwrap();
      expect(limits24h.actions[0]?.limits[0]).toEqual({ period: "24h", maxAllowed: 5, currentUsage: 1 });
    });
    it("keeps an unknown status word", () => {
      const p = decodeCallingResponse("get_call_permissions", { status: 200, body: { permission: { status: "SUSPENDED" } } })._unsafeUnwrap();
      expect(p).toMatchObject({ status: "unknown", rawStatus: "SUSPENDED", canCall: false });
    });
    it("without a permission object is an error", () => {
      const r = decodeCallingResponse("get_call_permissions", { status: 200, body: { actions: [] } });
      expect(r._unsafeUnwrapErr()).toMatchObject({ reason: "unexpected-success-shape" });
    });
  });

  it("get_settings: reads the calling object", () => {
    const body = { calling: { status: "ENABLED", call_icon_visibility: "DEFAULT", srtp_key_exchange_protocol: "DTLS", call_hours: { status: "DISABLED" } } };
    const s = decodeCallingResponse("get_settings", { status: 200, body })._unsafeUnwrap();
    expect(s).toMatchObject({ status: "ENABLED", callIconVisibility: "DEFAULT", srtpKeyExchangeProtocol: "DTLS", callHours: { status: "DISABLED" } });
  });

  it("asCallId checks the prefix", () => {
    expect(asCallId("wacid.abc").isOk()).toBe(true);
    expect(asCallId("wamid.abc").isErr()).toBe(true);
    expect(asCallId(12).isErr()).toBe(true);
  });
});

describe("per-operation errors", () => {
  it("decodes a code the catalog does not list for the operation as unknown, keeping the number", () => {
    const r = decodeCallingResponse("accept", { status: 400, body: { error: { code: 138009, message: "(#138009) limit" } } });
    expect(r._unsafeUnwrapErr()).toMatchObject({ _tag: "UnknownCallingError", code: 138009, message: "(#138009) limit", httpStatus: 400 });
    const c = decodeCallingResponse("connect", { status: 401, body: { error: { code: 138006 } } });
    expect(c._unsafeUnwrapErr()._tag).toBe("CallPermissionNotFound");
  });
});

describe("a 2xx connect is decided by its status, not by the id's format", () => {
  it("a call id in another format is still the placed call", () => {
    for (const id of ["HBgLMTIzNDU2Nzg5MA", "call:123", "wacid2.x"]) {
      const r = decodeCallingResponse("connect", { status: 200, body: { messaging_product: "whatsapp", calls: [{ id }] } });
      expect(r._unsafeUnwrap()).toBe(id);
    }
  });

  it("an empty, blank or missing id is still not a success", () => {
    for (const calls of [[{ id: "" }], [{ id: "  " }], [{}], [], [{ id: 5 }]]) {
      const r = decodeCallingResponse("connect", { status: 200, body: { calls } });
      expect(r.isErr() && r.error._tag).toBe("MalformedResponse");
    }
  });
});
