import { describe, expectTypeOf, it } from "vitest";
import { matchError, type CallId, type MessageId } from "wacall";
import { createCallingClient, sdpAnswer, sdpOffer, type ClientErrorOf } from "wacall/client";

const client = createCallingClient({ accessToken: "t", phoneNumberId: "1" });
declare const callId: CallId;
const offer = sdpOffer("v=0");
const answer = sdpAnswer("v=0");

describe("the SDP role is in the type", () => {
  it("connect takes an offer, accept and preAccept take an answer", () => {
    client.connect({ to: "1555", sdp: offer });
    client.accept({ callId, sdp: answer });
    client.preAccept({ callId, sdp: answer });
    // @ts-expect-error: connect sends an offer, not an answer
    client.connect({ to: "1555", sdp: answer });
    // @ts-expect-error: accept sends an answer, not an offer
    client.accept({ callId, sdp: offer });
    // @ts-expect-error: preAccept sends an answer, not an offer
    client.preAccept({ callId, sdp: offer });
  });
  it("call ids are branded", () => {
    // @ts-expect-error: a plain string is not a CallId
    client.terminate({ callId: "wacid.123" });
  });
  it("connect takes to or recipient, not both", () => {
    client.connect({ recipient: "US.1", sdp: offer });
    // @ts-expect-error: both to and recipient
    client.connect({ to: "1555", recipient: "US.1", sdp: offer });
  });
});

describe("per-operation error unions", () => {
  it("types the successes", async () => {
    expectTypeOf((await client.connect({ to: "1", sdp: offer })).unwrapOr(undefined)).toEqualTypeOf<CallId | undefined>();
    expectTypeOf((await client.sendCallPermissionRequest({ to: "1", body: "b" })).unwrapOr(undefined)).toEqualTypeOf<MessageId | undefined>();
  });
  it("lists only what each operation can produce", () => {
    type ConnectTags = ClientErrorOf<"connect">["_tag"];
    type LookupTags = ClientErrorOf<"get_call_permissions">["_tag"];
    type RequestTags = ClientErrorOf<"send_call_permission_request">["_tag"];
    expectTypeOf<Extract<ConnectTags, "OutcomeUnknown" | "CallPermissionNotFound" | "NetworkError" | "Timeout" | "Aborted" | "InvalidInput">>().toEqualTypeOf<
      "OutcomeUnknown" | "CallPermissionNotFound" | "NetworkError" | "Timeout" | "Aborted" | "InvalidInput"
    >();
    expectTypeOf<Extract<ConnectTags, "FetchCallPermissionLimitHit" | "CallPermissionRequestLimitHit">>().toBeNever();
    expectTypeOf<Extract<LookupTags, "FetchCallPermissionLimitHit">>().toEqualTypeOf<"FetchCallPermissionLimitHit">();
    expectTypeOf<Extract<LookupTags, "OutcomeUnknown">>().toBeNever();
    expectTypeOf<Extract<RequestTags, "CallPermissionRequestLimitHit" | "PermanentCallPermissionExists">>().toEqualTypeOf<
      "CallPermissionRequestLimitHit" | "PermanentCallPermissionExists"
    >();
  });
  it("every client error carries the attempt history", () => {
    expectTypeOf<ClientErrorOf<"accept">["attempts"]>().toEqualTypeOf<number>();
    expectTypeOf<ClientErrorOf<"connect">["history"][number]["outcome"]>().toEqualTypeOf<string>();
  });
  it("an exhaustive match over a lookup error is small and fails without a case", () => {
    const handle = (e: ClientErrorOf<"get_call_permissions">) =>
      matchError(e, {
        FetchCallPermissionLimitHit: () => "slow down",
        CallingNotEnabled: () => "setup",
        _: (other) => other._tag,
      });
    expectTypeOf(handle).returns.toBeString();
    const strict = (e: ClientErrorOf<"terminate">) =>
      // @ts-expect-error: the record misses every terminate error but one, and has no `_`
      matchError(e, { CallConnectionError: () => 1 });
    void strict;
  });
});

describe("transport variants", () => {
  it("every client error can be a redirect or an oversized answer, and only connect an OutcomeUnknown", () => {
    expectTypeOf<"UnexpectedRedirect" | "ResponseTooLarge">().toMatchTypeOf<ClientErrorOf<"terminate">["_tag"]>();
    expectTypeOf<"OutcomeUnknown">().toMatchTypeOf<ClientErrorOf<"connect">["_tag"]>();
    // @ts-expect-error: only connect can end with an unknown outcome
    expectTypeOf<"OutcomeUnknown">().toMatchTypeOf<ClientErrorOf<"terminate">["_tag"]>();
  });

  it("narrowing gives each variant's fields and literal advice", () => {
    const describeError = (e: ClientErrorOf<"connect">): string => {
      switch (e._tag) {
        case "ResponseTooLarge":
          expectTypeOf(e.limitBytes).toEqualTypeOf<number>();
          expectTypeOf(e.advice).toEqualTypeOf<{ readonly kind: "never" }>();
          return "too large";
        case "UnexpectedRedirect":
          expectTypeOf(e.location).toEqualTypeOf<string | undefined>();
          return "redirect";
        case "OutcomeUnknown":
          expectTypeOf(e.cause).toEqualTypeOf<"timeout" | "reset" | "unreadable-response" | "server-error" | "redirect" | "response-too-large">();
          // @ts-expect-error: an unknown outcome is never repeated blind
          expectTypeOf(e.advice).toEqualTypeOf<{ readonly kind: "backoff" }>();
          return "settle it";
        case "Aborted":
          expectTypeOf(e.sent).toEqualTypeOf<boolean>();
          return "aborted";
        case "DuplicateCall":
          expectTypeOf(e.advice).toEqualTypeOf<{ readonly kind: "after-current-call" }>();
          return "wait";
        default:
          return e._tag;
      }
    };
    void describeError;
  });
});
