/**
 * Webhook events of whole calls, decoded by the real decoder from the payloads the fake server
 * sends, for the fold and event-source tests.
 */
import { connectChange, delivery, statusChange, terminateChange, type Change } from "wacall/testing";
import { decodeWebhook, type CallEvent } from "wacall/webhook";

/** The events of one delivery with one change. */
export function decoded(change: Change): CallEvent[] {
  const r = decodeWebhook(delivery([change]));
  if (r.isErr()) throw new Error(`test payload did not decode: ${r.error.message}`);
  return r.value;
}

/** A webhook error object as Meta sends it in a terminate. */
const mediaTimeout = { code: 138021, title: "Media receive timeout", message: "Media receive timeout", error_data: { details: "No media received for 20 seconds" }, href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/" };

const business = "15550009999";
const t0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/** The kinds of call the scenarios cover, with the state each must end in. */
export const scenarios = {
  outboundAnswered: "Ended",
  outboundRejected: "Rejected",
  outboundNoAnswer: "NotAnswered",
  outboundFailed: "Failed",
  inboundAnswered: "Ended",
  inboundMissed: "NotAnswered",
} as const;
export type Scenario = keyof typeof scenarios;

/** The events of a call of `kind`, in the order Meta means them. */
export function callEvents(kind: Scenario, callId = "wacid.SCENARIO", opaque = "ticket-1"): CallEvent[] {
  const user = "15551230000";
  const out = { callId, from: business, to: user, direction: "BUSINESS_INITIATED" as const, bizOpaqueCallbackData: opaque };
  const inb = { callId, from: user, to: business, direction: "USER_INITIATED" as const };
  const status = (s: string, at: number) => decoded(statusChange({ callId, status: s, recipientId: user, timestamp: at, bizOpaqueCallbackData: opaque }));
  const answer = (at: number) => decoded(connectChange({ ...out, timestamp: at, sdp: { type: "answer", sdp: "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\n" } }));
  switch (kind) {
    case "outboundAnswered":
      return [...status("RINGING", t0), ...status("ACCEPTED", t0 + 3_000), ...answer(t0 + 3_000), ...decoded(terminateChange({ ...out, timestamp: t0 + 63_000, status: "COMPLETED", startTime: t0 + 3_000, endTime: t0 + 63_000, duration: 60 }))];
    case "outboundRejected":
      return [...status("RINGING", t0), ...status("REJECTED", t0 + 4_000), ...decoded(terminateChange({ ...out, timestamp: t0 + 4_000, status: "REJECTED" }))];
    case "outboundNoAnswer":
      return [...status("RINGING", t0), ...decoded(terminateChange({ ...out, timestamp: t0 + 45_000, status: "COMPLETED" }))];
    case "outboundFailed":
      return [
        ...status("RINGING", t0),
        ...status("ACCEPTED", t0 + 2_000),
        ...answer(t0 + 2_000),
        ...decoded(terminateChange({ ...out, timestamp: t0 + 25_000, status: "FAILED", startTime: t0 + 2_000, endTime: t0 + 25_000, duration: 23, errors: [mediaTimeout] })),
      ];
    case "inboundAnswered":
      return [
        ...decoded(connectChange({ ...inb, timestamp: t0, sdp: { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" } })),
        ...decoded(terminateChange({ ...inb, timestamp: t0 + 30_000, status: "COMPLETED", startTime: t0 + 5_000, endTime: t0 + 30_000, duration: 25 })),
      ];
    case "inboundMissed":
      return [
        ...decoded(connectChange({ ...inb, timestamp: t0, sdp: { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" } })),
        ...decoded(terminateChange({ ...inb, timestamp: t0 + 60_000, status: "COMPLETED" })),
      ];
  }
}
