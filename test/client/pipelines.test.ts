import { afterEach, describe, expect, it } from "vitest";
import { ensureCallPermission, settleOutcomeUnknown, type OutcomeUnknown } from "wacall/client";
import type { FakeCallingApi } from "wacall/testing";
import type { CallEvent } from "wacall/webhook";
import { setup, USER } from "./helpers.js";

let fake: FakeCallingApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("ensureCallPermission", () => {
  it("Granted, Requested, then NotAllowedUntil the request window resets", async () => {
    const s = await setup();
    fake = s.fake;
    const ask = () => ensureCallPermission(s.client, { user: USER, requestBody: "May we call?" });
    expect((await ask())._unsafeUnwrap()._tag).toBe("Requested");
    const blocked = (await ask())._unsafeUnwrap();
    expect(blocked).toMatchObject({ _tag: "NotAllowedUntil", reason: "request-limit" });
    expect(blocked._tag === "NotAllowedUntil" && blocked.retryAt!.getTime()).toBeGreaterThan(Date.now());
    s.fake.grantPermission(USER);
    expect((await ask())._unsafeUnwrap()._tag).toBe("Granted");
  });
  it("treats PermanentCallPermissionExists as Granted", async () => {
    const s = await setup();
    fake = s.fake;
    s.fake.fault({ kind: "error", code: 138017 }, { operation: "send_call_permission_request" });
    expect((await ensureCallPermission(s.client, { user: USER, requestBody: "x" }))._unsafeUnwrap()._tag).toBe("Granted");
  });
  it("reports the daily call limit as NotAllowedUntil(call-limit)", async () => {
    const s = await setup({ limits: { callsPerUserPerDay: 0 } });
    fake = s.fake;
    s.fake.grantPermission(USER);
    expect((await ensureCallPermission(s.client, { user: USER, requestBody: "x" }))._unsafeUnwrap()).toMatchObject({ _tag: "NotAllowedUntil", reason: "call-limit" });
  });
  it("passes other errors through", async () => {
    const s = await setup({ callingEnabled: false });
    fake = s.fake;
    expect((await ensureCallPermission(s.client, { user: USER, requestBody: "x" }))._unsafeUnwrapErr()._tag).toBe("CallingNotEnabled");
  });
});

describe("settleOutcomeUnknown", () => {
  const outcome = { _tag: "OutcomeUnknown", to: USER, bizOpaqueCallbackData: "t-1" } as OutcomeUnknown;
  const status = (data: string, to = USER): CallEvent => ({ _tag: "CallStatus", callId: "wacid.Z", status: "RINGING", rawStatus: "RINGING", recipientId: to, bizOpaqueCallbackData: data, metadata: { phoneNumberId: "1" }, raw: {} });
  it("finds the call by its opaque data and recipient", () => {
    expect(settleOutcomeUnknown(outcome, [status("t-0"), status("t-1")])._unsafeUnwrap()).toEqual({ _tag: "CallPlaced", callId: "wacid.Z", lastEvent: "CallStatus" });
  });
  it("stays unknown without a matching event or without correlation data", () => {
    expect(settleOutcomeUnknown(outcome, [status("t-1", "15550000000")])._unsafeUnwrapErr().reason).toBe("no-matching-event");
    expect(settleOutcomeUnknown({ ...outcome, bizOpaqueCallbackData: undefined } as unknown as OutcomeUnknown, [status("t-1")])._unsafeUnwrapErr().reason).toBe("no-correlation-data");
  });
});
