/**
 * The WhatsApp user's side of the fake and the test's controls: calling the business, answering,
 * rejecting and hanging up, replying to permission requests, changing the number's setup. Each
 * action changes the state and sends the webhooks Meta would.
 *
 * @module
 */
import { connectChange, permissionReplyChange, statusChange, type Change } from "../webhooks.js";
import { fakeSdp, webhookErrorFor } from "./envelopes.js";
import type { Rules } from "./rules.js";
import { WEEK, grant, type FakeState } from "./state.js";
import type { FakeCallingApi } from "./types.js";

/** The controls of {@link FakeCallingApi} that act as the user or change the setup. */
export type UserSide = Pick<
  FakeCallingApi,
  | "grantPermission"
  | "revokePermission"
  | "markUncallable"
  | "setCallingEnabled"
  | "setSip"
  | "incomingCall"
  | "endCall"
  | "userAnswers"
  | "userRejects"
  | "hangUp"
  | "replyToPermissionRequest"
>;

/** The user's side over `state`, sending webhooks with `emit`. */
export function createUserSide(ctx: {
  readonly state: FakeState;
  readonly rules: Rules;
  readonly clock: () => number;
  readonly phoneNumberId: string;
  readonly business: string;
  readonly emit: (change: Change) => Promise<void>;
}): UserSide {
  const { state, rules, clock, phoneNumberId, business, emit } = ctx;
  return {
    grantPermission(user, o = {}) {
      grant(state, user, clock(), o);
    },
    revokePermission(user) {
      state.permissions.delete(user);
    },
    markUncallable(user) {
      state.uncallable.add(user);
    },
    setCallingEnabled(enabled) {
      state.callingEnabled = enabled;
      state.settings = { ...state.settings, status: enabled ? "ENABLED" : "DISABLED" };
    },
    setSip(value) {
      state.sip = value;
    },
    incomingCall(from, o = {}) {
      const id = rules.newId("wacid");
      const now = clock();
      const sdp = o.sdp ?? fakeSdp;
      state.calls.set(id, { id, user: from, direction: "USER_INITIATED", state: "ringing", createdAt: now });
      state.sessions.set(id, { offer: sdp });
      void emit(connectChange({ callId: id, from, to: business, direction: "USER_INITIATED", timestamp: now, sdp: { type: "offer", sdp }, phoneNumberId }));
      return id;
    },
    endCall(callId) {
      state.calls.delete(callId);
      state.sessions.delete(callId);
    },
    async userAnswers(callId, sdpAnswer = fakeSdp) {
      const call = state.calls.get(callId);
      if (call === undefined || call.direction !== "BUSINESS_INITIATED") return;
      state.calls.set(callId, { ...call, state: "accepted" });
      state.sessions.set(callId, { ...state.sessions.get(callId), answer: sdpAnswer });
      const now = clock();
      const opaque = call.bizOpaqueCallbackData === undefined ? {} : { bizOpaqueCallbackData: call.bizOpaqueCallbackData };
      await emit(statusChange({ callId, status: "ACCEPTED", recipientId: call.user, timestamp: now, phoneNumberId, ...opaque }));
      await emit(connectChange({ callId, from: business, to: call.user, direction: "BUSINESS_INITIATED", timestamp: now, sdp: { type: "answer", sdp: sdpAnswer }, phoneNumberId, ...opaque }));
    },
    async userRejects(callId) {
      const call = state.calls.get(callId);
      if (call === undefined) return;
      state.calls.delete(callId);
      state.sessions.delete(callId);
      const opaque = call.bizOpaqueCallbackData === undefined ? {} : { bizOpaqueCallbackData: call.bizOpaqueCallbackData };
      await emit(statusChange({ callId, status: "REJECTED", recipientId: call.user, timestamp: clock(), phoneNumberId, ...opaque }));
      await emit(rules.terminateOf(call, "REJECTED"));
    },
    async hangUp(callId, o = {}) {
      const call = state.calls.get(callId);
      if (call === undefined) return;
      rules.finish(call);
      const errors = o.errorCode === undefined ? [] : [webhookErrorFor(o.errorCode, o.details)];
      await emit(rules.terminateOf(call, errors.length === 0 ? "COMPLETED" : "FAILED", errors));
    },
    async replyToPermissionRequest(user, response, o = {}) {
      const now = clock();
      if (response === "accept") grant(state, user, now, o.permanent === true ? { permanent: true } : {});
      await emit(
        permissionReplyChange({
          from: user,
          messageId: rules.newId("wamid"),
          timestamp: now,
          response,
          isPermanent: o.permanent === true,
          ...(response === "accept" && o.permanent !== true && { expiresAt: now + WEEK }),
          phoneNumberId,
        }),
      );
    },
  };
}
