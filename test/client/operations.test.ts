import { afterEach, describe, expect, it } from "vitest";
import { asCallId, type CallId } from "wacall";
import { createCallingClient, sdpOffer, type ConnectInput } from "wacall/client";
import { startFakeCallingApi, type FakeCallingApi } from "wacall/testing";
import { ANSWER, leaksNothing, OFFER, sent, setup, TOKEN, USER } from "./helpers.js";

let fake: FakeCallingApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
async function start(...args: Parameters<typeof setup>) {
  const s = await setup(...args);
  fake = s.fake;
  return s;
}

describe("success paths over HTTP", () => {
  it("connect places a call and terminate ends it", async () => {
    const { fake, client } = await start();
    fake.grantPermission(USER);
    const id = (await client.connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "ticket-42" }))._unsafeUnwrap();
    expect(id).toMatch(/^wacid\./);
    expect(fake.calls()).toMatchObject([{ id, user: USER, bizOpaqueCallbackData: "ticket-42" }]);
    expect((await client.terminate({ callId: id }))._unsafeUnwrap()).toEqual({ success: true });
    expect(fake.calls()).toEqual([]);
    const body = fake.requests[0]?.body;
    expect(body).toMatchObject({ messaging_product: "whatsapp", to: USER, action: "connect", session: { sdp_type: "offer" }, biz_opaque_callback_data: "ticket-42" });
  });
  it("connect accepts a business-scoped recipient instead of to", async () => {
    const { fake, client } = await start();
    fake.grantPermission("US.13491208655302741918");
    expect((await client.connect({ recipient: "US.13491208655302741918", sdp: OFFER })).isOk()).toBe(true);
    expect(fake.requests[0]?.body).toMatchObject({ recipient: "US.13491208655302741918" });
  });
  it("pre-accepts, accepts and rejects user-initiated calls", async () => {
    const { fake, client } = await start();
    const callId = asCallId(fake.incomingCall(USER))._unsafeUnwrap();
    expect((await client.preAccept({ callId, sdp: ANSWER }))._unsafeUnwrap()).toEqual({ success: true });
    expect((await client.accept({ callId, sdp: ANSWER, bizOpaqueCallbackData: "x" }))._unsafeUnwrap()).toEqual({ success: true });
    expect(fake.calls()[0]?.state).toBe("accepted");
    const other = asCallId(fake.incomingCall("15550000001"))._unsafeUnwrap();
    expect((await client.reject({ callId: other })).isOk()).toBe(true);
    expect(fake.requests.map((r) => r.operation)).toEqual(["pre_accept", "accept", "reject"]);
  });
  it("looks up permission with limits and reset times", async () => {
    const { fake, client } = await start({ limits: { callsPerUserPerDay: 1 } });
    fake.grantPermission(USER);
    await client.connect({ to: USER, sdp: OFFER });
    const p = (await client.getCallPermissions({ userWaId: USER }))._unsafeUnwrap();
    expect(p.status).toBe("temporary");
    expect(p.canCall).toBe(false);
    const start_call = p.actions.find((a) => a.name === "start_call");
    expect(start_call?.limits[0]).toMatchObject({ period: "PT24H", maxAllowed: 1, currentUsage: 1 });
    expect(start_call?.limits[0]?.resetsAt).toBeInstanceOf(Date);
    expect(fake.requests.at(-1)?.query).toEqual({ user_wa_id: USER });
  });
  it("sends a call permission request", async () => {
    const { fake, client } = await start();
    const id = (await client.sendCallPermissionRequest({ to: USER, body: "May we call you about your order?" }))._unsafeUnwrap();
    expect(id).toMatch(/^wamid\./);
    expect(fake.requests[0]?.body).toMatchObject({ type: "interactive", interactive: { type: "call_permission_request", action: { name: "call_permission_request" }, body: { text: "May we call you about your order?" } } });
  });
  it("reads and updates calling settings", async () => {
    const { client } = await start();
    const update = await client.updateCallingSettings({
      status: "ENABLED",
      callIconVisibility: "DISABLE_ALL",
      callHours: { status: "ENABLED", timezoneId: "Europe/Berlin", weeklyOperatingHours: [{ dayOfWeek: "MONDAY", openTime: "0900", closeTime: "1700" }], holidaySchedule: [{ date: "2026-12-25", startTime: "0000", endTime: "2359" }] },
    });
    expect(update._unsafeUnwrap()).toEqual({ success: true });
    const s = (await client.getCallingSettings())._unsafeUnwrap();
    expect(s).toMatchObject({ status: "ENABLED", callIconVisibility: "DISABLE_ALL", callHours: { timezone_id: "Europe/Berlin" } });
  });
});

describe("documented errors, from the fake's rules", () => {
  it("CallingNotEnabled (138000)", async () => {
    const { client } = await start({ callingEnabled: false });
    expect((await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr()).toMatchObject({ _tag: "CallingNotEnabled", code: 138000, httpStatus: 401, attempts: 1 });
  });
  it("SipNumberRejectsGraphCalling (131055)", async () => {
    const { client } = await start({ sip: true });
    expect((await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr()._tag).toBe("SipNumberRejectsGraphCalling");
  });
  it("RecipientNotInAllowedList (131030)", async () => {
    const { client } = await start({ allowedList: ["15550000000"] });
    expect((await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr()._tag).toBe("RecipientNotInAllowedList");
    expect((await client.sendCallPermissionRequest({ to: USER, body: "hi" }))._unsafeUnwrapErr()._tag).toBe("RecipientNotInAllowedList");
  });
  it("ReceiverUncallable (138001)", async () => {
    const { fake, client } = await start();
    fake.markUncallable(USER);
    expect((await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr()._tag).toBe("ReceiverUncallable");
  });
  it("CallPermissionNotFound (138006), not retried", async () => {
    const { fake, client } = await start();
    const e = (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "CallPermissionNotFound", category: "permission", retryable: false, attempts: 1 });
    expect(sent(fake, "connect")).toBe(1);
    expect(leaksNothing(e)).toBe(true);
  });
  it("permission expires with the clock, and can be revoked", async () => {
    let now = Date.UTC(2026, 0, 1);
    const { fake, client } = await start({ clock: () => now }, { clock: () => now });
    fake.grantPermission(USER);
    now += 8 * 86_400_000;
    expect((await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr()._tag).toBe("CallPermissionNotFound");
    fake.grantPermission(USER, { permanent: true });
    expect((await client.getCallPermissions({ userWaId: USER }))._unsafeUnwrap().status).toBe("permanent");
    fake.revokePermission(USER);
    expect((await client.getCallPermissions({ userWaId: USER }))._unsafeUnwrap().status).toBe("no_permission");
  });
  it("DuplicateCall (138003)", async () => {
    const { fake, client } = await start();
    fake.grantPermission(USER);
    await client.connect({ to: USER, sdp: OFFER });
    expect((await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr()).toMatchObject({ _tag: "DuplicateCall", attempts: 1 });
  });
  it("ConcurrentCallsLimit (138002) is retried, then returned", async () => {
    const { fake, client } = await start({ limits: { concurrentCalls: 1 } });
    fake.grantPermission(USER);
    fake.grantPermission("15550000002");
    await client.connect({ to: USER, sdp: OFFER });
    const e = (await client.connect({ to: "15550000002", sdp: OFFER }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "ConcurrentCallsLimit", httpStatus: 429, attempts: 3 });
    expect(e.history.map((h) => h.outcome)).toEqual(["ConcurrentCallsLimit", "ConcurrentCallsLimit", "ConcurrentCallsLimit"]);
  });
  it("BusinessInitiatedCallsLimitHit (138012) carries retryAt from its details, beyond the deadline so not waited for", async () => {
    const { fake, client } = await start({ limits: { callsPerUserPerDay: 1 } });
    fake.grantPermission(USER);
    const id = (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrap();
    await client.terminate({ callId: id });
    const before = Date.now();
    const e = (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr();
    expect(e._tag).toBe("BusinessInitiatedCallsLimitHit");
    expect(e.attempts).toBe(1);
    expect(e._tag === "BusinessInitiatedCallsLimitHit" && e.retryAt!.getTime()).toBeGreaterThan(before + 86_000_000);
  });
  it("CallRateLimitExceeded (138005)", async () => {
    const { fake, client } = await start({ limits: { newCallsPerDay: 1 } }, { retry: { maxAttempts: 1 } });
    fake.grantPermission(USER);
    fake.grantPermission("15550000002");
    await client.connect({ to: USER, sdp: OFFER });
    expect((await client.connect({ to: "15550000002", sdp: OFFER }))._unsafeUnwrapErr()._tag).toBe("CallRateLimitExceeded");
  });
  it("CallConnectionTimeout (138007) when accepting after the window", async () => {
    let now = Date.UTC(2026, 0, 1);
    const { fake, client } = await start({ clock: () => now });
    const callId = asCallId(fake.incomingCall(USER))._unsafeUnwrap();
    now += 61_000;
    expect((await client.accept({ callId, sdp: ANSWER }))._unsafeUnwrapErr()).toMatchObject({ _tag: "CallConnectionTimeout", code: 138007 });
  });
  it("FetchCallPermissionLimitHit (613 and legacy 138013)", async () => {
    for (const legacy of [false, true]) {
      const { fake, client } = await start({ limits: { permissionLookupsPerSecond: 1 }, legacyLookupLimitCode: legacy }, { retry: { maxAttempts: 1 } });
      await client.getCallPermissions({ userWaId: USER });
      const e = (await client.getCallPermissions({ userWaId: USER }))._unsafeUnwrapErr();
      expect(e).toMatchObject({ _tag: "FetchCallPermissionLimitHit", code: legacy ? 138013 : 613 });
      await fake.close();
    }
  });
  it("CallPermissionRequestLimitHit (138009) and PermanentCallPermissionExists (138017)", async () => {
    const { fake, client } = await start();
    expect((await client.sendCallPermissionRequest({ to: USER, body: "hi" })).isOk()).toBe(true);
    const e = (await client.sendCallPermissionRequest({ to: USER, body: "hi again" }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "CallPermissionRequestLimitHit", attempts: 3 });
    fake.grantPermission(USER, { permanent: true });
    expect((await client.sendCallPermissionRequest({ to: USER, body: "hi" }))._unsafeUnwrapErr()._tag).toBe("PermanentCallPermissionExists");
  });
  it("CallingRequiresMessagingLimit (138015)", async () => {
    const { client } = await start({ messagingLimit: 1000 });
    expect((await client.updateCallingSettings({ status: "ENABLED" }))._unsafeUnwrapErr()._tag).toBe("CallingRequiresMessagingLimit");
  });
  it("a wrong token is AccessTokenInvalid (190) and the token appears nowhere", async () => {
    const s = await start();
    const client = createCallingClient({ baseUrl: s.fake.url, accessToken: "EAAWrongToken0987654321xyz", phoneNumberId: s.fake.phoneNumberId });
    const e = (await client.getCallPermissions({ userWaId: USER }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "AccessTokenInvalid", code: 190, httpStatus: 401 });
    expect(JSON.stringify(e)).not.toContain("EAAWrongToken0987654321xyz");
    expect(s.fake.requests[0]?.authorized).toBe(false);
  });
});

describe("invalid input is rejected before any request", () => {
  const cases: [string, (c: ReturnType<typeof createCallingClient>) => Promise<{ isErr(): boolean; error?: unknown }>, string][] = [
    ["bizOpaqueCallbackData over 512 characters", async (c) => await c.connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "x".repeat(513) }), "bizOpaqueCallbackData"],
    ["an answer given to connect (JavaScript caller)", async (c) => await c.connect({ to: USER, sdp: ANSWER as unknown as ConnectInput["sdp"] }), "sdp"],
    ["SDP text without v=0", async (c) => await c.connect({ to: USER, sdp: sdpOffer("hello") }), "sdp"],
    ["both to and recipient", async (c) => await c.connect({ to: USER, recipient: "US.1", sdp: OFFER } as unknown as ConnectInput), "to"],
    ["a malformed WhatsApp id", async (c) => await c.connect({ to: "call me", sdp: OFFER }), "to"],
    ["a call id without wacid.", async (c) => await c.terminate({ callId: "12345" as CallId }), "callId"],
    ["an offer given to accept", async (c) => await c.accept({ callId: "wacid.x" as CallId, sdp: OFFER as unknown as typeof ANSWER }), "sdp"],
    ["an empty permission request body", async (c) => await c.sendCallPermissionRequest({ to: USER, body: " " }), "body"],
    ["a settings update with nothing in it", async (c) => await c.updateCallingSettings({}), "settings"],
    ["call hours with a bad time", async (c) => await c.updateCallingSettings({ callHours: { status: "ENABLED", timezoneId: "UTC", weeklyOperatingHours: [{ dayOfWeek: "MONDAY", openTime: "9:00", closeTime: "1700" }] } }), "callHours.weeklyOperatingHours[0]"],
  ];
  it.each(cases)("%s", async (_name, run, field) => {
    const { fake, client } = await start();
    const r = await run(client);
    expect(r.isErr()).toBe(true);
    expect(r.error).toMatchObject({ _tag: "InvalidInput", field, attempts: 0 });
    expect(fake.requests).toHaveLength(0);
  });
  it("invalid options make every method return InvalidInput", async () => {
    const client = createCallingClient({ accessToken: "", phoneNumberId: "123" });
    expect((await client.getCallingSettings())._unsafeUnwrapErr()).toMatchObject({ _tag: "InvalidInput", field: "accessToken" });
    const c2 = createCallingClient({ accessToken: TOKEN, phoneNumberId: "123", retry: { maxAttempts: 0 } });
    expect((await c2.getCallingSettings())._unsafeUnwrapErr()).toMatchObject({ field: "retry.maxAttempts" });
  });
});

describe("the fake server", () => {
  it("answers unknown paths and numbers with Meta's envelope", async () => {
    const f = await startFakeCallingApi();
    fake = f;
    const res = await fetch(`${f.url}/v23.0/999/calls`, { method: "POST", headers: { authorization: `Bearer ${f.accessToken}` }, body: "{}" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100, type: "OAuthException" } });
    const client = createCallingClient({ baseUrl: f.url, accessToken: f.accessToken, phoneNumberId: f.phoneNumberId });
    fake = f;
    expect((await client.connect({ to: USER, sdp: sdpOffer("v=0\r\n") }))._unsafeUnwrapErr()._tag).toBe("CallPermissionNotFound");
  });
});

describe("the fake's permission revocation", () => {
  it("revokes permission after four unanswered calls in a row, and an answered call resets the count", async () => {
    const { fake, client } = await start();
    fake.grantPermission(USER);
    const ring = async () => (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrap();
    for (let i = 0; i < 3; i++) await client.terminate({ callId: await ring() });
    const answered = await ring();
    await fake.userAnswers(answered);
    await client.terminate({ callId: answered });
    for (let i = 0; i < 3; i++) await client.terminate({ callId: await ring() });
    expect((await client.getCallPermissions({ userWaId: USER }))._unsafeUnwrap().status).toBe("temporary");
    await client.terminate({ callId: await ring() });
    expect((await client.getCallPermissions({ userWaId: USER }))._unsafeUnwrap().status).toBe("no_permission");
    expect((await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr()._tag).toBe("CallPermissionNotFound");
  });
});

describe("client options", () => {
  it.each([["not a url"], ["ftp://x"], ["http://[::1"]])("rejects baseUrl %s as InvalidInput", async (baseUrl) => {
    const client = createCallingClient({ baseUrl, accessToken: TOKEN, phoneNumberId: "1" });
    expect((await client.getCallingSettings())._unsafeUnwrapErr()).toMatchObject({ _tag: "InvalidInput", field: "baseUrl" });
  });
});
