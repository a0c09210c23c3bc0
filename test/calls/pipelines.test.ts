import { afterEach, describe, expect, it } from "vitest";
import { answerCall, createCallingClient, followCall, placeCall, sdpAnswer, sdpOffer, type OutboundEnd, type PlaceCallError } from "wacall/client";
import type { CallEvent } from "wacall/webhook";
import type { Result } from "neverthrow";
import { startRig, type Rig } from "./endpoint.js";
import { callEvents } from "./events.js";

const offer = sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");
const answer = sdpAnswer("v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\n");
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The call id of the attempt with this correlation value, from its first webhook. */
async function callIdOf(r: Rig, opaque: string): Promise<string> {
  const e = await r.source.next({ bizOpaqueCallbackData: opaque }, { deadlineMs: 3_000 });
  return e.isOk() && "callId" in e.value && typeof e.value.callId === "string" ? e.value.callId : "none";
}

/** The tag of how an outbound attempt ended, or of its error. */
const tagOf = (r: Result<OutboundEnd, PlaceCallError>) => r.match((e) => e._tag, (e) => `error ${e._tag}`);

describe("placeCall (fake API, signed webhooks through the handler, loopback)", () => {
  const user = "15551230000";
  const place = (r: Rig, opaque: string, options = {}) => placeCall(r.client, r.source, { to: user, sdp: offer, permissionRequestBody: "May we call?", bizOpaqueCallbackData: opaque }, { followMs: 5_000, ...options });

  it("answered, then hung up: Answered with the duration and the folded state", async () => {
    const r = (rig = await startRig());
    r.fake.grantPermission(user);
    const running = place(r, "t-answered");
    const callId = await callIdOf(r, "t-answered");
    await r.fake.userAnswers(callId);
    await r.fake.hangUp(callId);
    expect((await running)._unsafeUnwrap()).toMatchObject({
      _tag: "Answered",
      callId,
      durationSeconds: 0,
      state: { _tag: "Ended", statuses: ["RINGING", "ACCEPTED"], bizOpaqueCallbackData: "t-answered", anomalies: [] },
    });
  });

  it("rejected, not answered, failed with its errors", async () => {
    const r = (rig = await startRig());
    for (const [opaque, act, want] of [
      ["t-rej", (id: string) => r.fake.userRejects(id), "Rejected"],
      ["t-none", (id: string) => r.fake.hangUp(id), "NoAnswer"],
      ["t-fail", async (id: string) => (await r.fake.userAnswers(id), await r.fake.hangUp(id, { errorCode: 138021 })), "Failed"],
    ] as const) {
      r.fake.grantPermission(user);
      const running = place(r, opaque);
      await act(await callIdOf(r, opaque));
      const end = await running;
      expect(tagOf(end)).toBe(want);
      if (want === "Failed") expect(end._unsafeUnwrap()).toMatchObject({ errors: [{ _tag: "MediaReceiveTimeout", code: 138021 }] });
    }
  });

  it("asks for permission, waits for the reply webhook, then calls", async () => {
    const r = (rig = await startRig());
    const running = place(r, "t-perm", { permissionReplyMs: 3_000 });
    while (!r.fake.requests.some((q) => q.operation === "send_call_permission_request")) await new Promise((ok) => setTimeout(ok, 5));
    await r.fake.replyToPermissionRequest(user, "accept");
    const callId = await callIdOf(r, "t-perm");
    await r.fake.hangUp(callId);
    expect(tagOf(await running)).toBe("NoAnswer");
  });

  it("a declined request, a request with no reply in time, a request that may not be sent", async () => {
    const r = (rig = await startRig({ fake: { limits: { permissionRequestsPerDay: 2, permissionRequestsPerWeek: 2 } } }));
    const declined = place(r, "t-decl", { permissionReplyMs: 3_000 });
    while (!r.fake.requests.some((q) => q.operation === "send_call_permission_request")) await new Promise((ok) => setTimeout(ok, 5));
    await r.fake.replyToPermissionRequest(user, "reject");
    expect((await declined)._unsafeUnwrap()).toMatchObject({ _tag: "PermissionDeclined", reply: { response: "reject", from: user } });
    const started = Date.now();
    expect((await place(r, "t-silent", { permissionReplyMs: 100 }))._unsafeUnwrap()).toMatchObject({ _tag: "PermissionRequested", messageId: expect.stringMatching(/^wamid\./) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect((await place(r, "t-limit"))._unsafeUnwrap()).toMatchObject({ _tag: "NotAllowedUntil", reason: "request-limit", retryAt: expect.any(Date) });
  });

  it("a connect whose answer is lost is settled from its webhook and followed to its end", async () => {
    const r = (rig = await startRig());
    r.fake.grantPermission(user);
    r.fake.fault({ kind: "reset-after-processing" }, { operation: "connect" });
    const running = place(r, "t-lost");
    const callId = await callIdOf(r, "t-lost");
    await r.fake.hangUp(callId);
    expect((await running)._unsafeUnwrap()).toMatchObject({ _tag: "NoAnswer", callId });
  });

  it("a connect whose outcome stays unknown (no webhook within settleMs) gives its OutcomeUnknown back", async () => {
    const r = (rig = await startRig());
    r.fake.grantPermission(user);
    r.fake.fault({ kind: "hang" }, { operation: "connect" });
    const client = createCallingClient({ baseUrl: r.fake.url, accessToken: r.fake.accessToken, phoneNumberId: r.fake.phoneNumberId, timeoutMs: 100, retry: { maxAttempts: 1 } });
    const end = await placeCall(client, r.source, { to: user, sdp: offer, permissionRequestBody: "x", bizOpaqueCallbackData: "t-unknown" }, { settleMs: 100 });
    expect(end._unsafeUnwrapErr()).toMatchObject({ _tag: "OutcomeUnknown", bizOpaqueCallbackData: "t-unknown" });
  });

  it("a terminate webhook that never comes: CallEndUnknown with the last known state", async () => {
    const r = (rig = await startRig());
    r.fake.grantPermission(user);
    const end = await place(r, "t-silent-end", { followMs: 150 });
    expect(end._unsafeUnwrapErr()).toMatchObject({ _tag: "CallEndUnknown", state: { _tag: "Ringing", bizOpaqueCallbackData: "t-silent-end" } });
  });

  it("an aborted signal stops the follow", async () => {
    const r = (rig = await startRig());
    r.fake.grantPermission(user);
    const controller = new AbortController();
    const running = place(r, "t-abort", { signal: controller.signal });
    await callIdOf(r, "t-abort");
    controller.abort();
    expect((await running)._unsafeUnwrapErr()._tag).toBe("EventWaitAborted");
  });
});

describe("answerCall (fake API, signed webhooks through the handler, loopback)", () => {
  it("answers within the window and follows the call to its end", async () => {
    const r = (rig = await startRig());
    const callId = r.fake.incomingCall("15557770000");
    const connect = await r.source.next({ callId }, { deadlineMs: 3_000 });
    const event = connect._unsafeUnwrap();
    if (event._tag !== "CallConnect") throw new Error("expected the connect webhook");
    const running = answerCall(r.client, r.source, event, answer, { followMs: 5_000 });
    while (r.fake.calls().find((c) => c.id === callId)?.state !== "accepted") await new Promise((ok) => setTimeout(ok, 5));
    await r.fake.hangUp(callId);
    const end = (await running)._unsafeUnwrap();
    expect(end).toMatchObject({ _tag: "Answered", callId, state: { direction: "USER_INITIATED", from: "15557770000" } });
    expect(end.state.session?.sdpType).toBe("offer");
  });

  it("too late is AnswerWindowMissed; answered and never ended is CallEndUnknown", async () => {
    let now = Date.now();
    const r = (rig = await startRig({ fake: { clock: () => now } }));
    const late = r.fake.incomingCall("15557770001");
    const lateEvent = (await r.source.next({ callId: late }, { deadlineMs: 3_000 }))._unsafeUnwrap() as Extract<CallEvent, { _tag: "CallConnect" }>;
    now += 90_000;
    expect((await answerCall(r.client, r.source, lateEvent, answer, { clock: () => now }))._unsafeUnwrapErr()._tag).toBe("AnswerWindowMissed");
    const open = r.fake.incomingCall("15557770002");
    const openEvent = (await r.source.next({ callId: open }, { deadlineMs: 3_000 }))._unsafeUnwrap() as Extract<CallEvent, { _tag: "CallConnect" }>;
    const end = await answerCall(r.client, r.source, openEvent, answer, { clock: () => now, followMs: 120 });
    expect(end._unsafeUnwrapErr()).toMatchObject({ _tag: "CallEndUnknown", callId: open, state: { _tag: "Ringing" } });
  });
});

describe("followCall over out-of-order and duplicate events", () => {
  it("terminate first, ACCEPTED last, every event twice: the same end as in order", async () => {
    const { createCallEventSource } = await import("wacall/client");
    const source = createCallEventSource();
    const [ringing, accepted, connect, terminate] = callEvents("outboundAnswered", "wacid.OOO", "t-ooo") as [CallEvent, CallEvent, CallEvent, CallEvent];
    const following = followCall(source, "wacid.OOO", { followMs: 2_000 });
    for (const e of [connect, terminate, connect, ringing, accepted, terminate, accepted]) source.publish(e);
    const end = (await following)._unsafeUnwrap();
    expect(end).toMatchObject({ _tag: "Answered", durationSeconds: 60, state: { statuses: ["RINGING", "ACCEPTED"], anomalies: [] } });
    const ordered = createCallEventSource();
    for (const e of [ringing, accepted, connect, terminate]) ordered.publish(e);
    expect((await followCall(ordered, "wacid.OOO"))._unsafeUnwrap()).toEqual(end);
  });
});
