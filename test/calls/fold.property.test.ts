import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { foldCall, isCallOver, type CallState } from "wacall/client";
import type { CallEvent } from "wacall/webhook";
import { callEvents, scenarios, type Scenario } from "./events.js";

const fold = (events: readonly CallEvent[]) => events.reduce<CallState | undefined>(foldCall, undefined);
const kinds = Object.keys(scenarios) as Scenario[];

/** A call's events, some of them delivered again, in any order. */
const arbDelivery = fc
  .constantFrom(...kinds)
  .chain((kind) => {
    const events = callEvents(kind);
    return fc.record({
      kind: fc.constant(kind),
      events: fc.constant(events),
      again: fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 8 }),
      order: fc.array(fc.double({ noNaN: true }), { minLength: events.length + 8, maxLength: events.length + 8 }),
    });
  })
  .map(({ kind, events, again, order }) => {
    const all = [...events, ...again.map((i) => events[i] as CallEvent)];
    const shuffled = all.map((e, i) => ({ e, k: order[i] ?? 0 })).sort((a, b) => a.k - b.k).map((x) => x.e);
    return { kind, events, shuffled };
  });

describe("foldCall", () => {
  test.prop([arbDelivery], { numRuns: 300 })("any order of a call's events, with duplicates, folds to the state of the ordered events", ({ kind, events, shuffled }) => {
    const ordered = fold(events);
    expect(ordered?._tag).toBe(scenarios[kind]);
    expect(ordered?.anomalies).toEqual([]);
    expect(fold(shuffled)).toEqual(ordered);
  });

  test.prop([arbDelivery], { numRuns: 100 })("folding a state's events again changes nothing", ({ events, shuffled }) => {
    const once = fold(events);
    expect(shuffled.reduce<CallState | undefined>(foldCall, once)).toEqual(once);
  });

  it("reads what each kind of call ended with", () => {
    const answered = fold(callEvents("outboundAnswered"));
    expect(answered).toMatchObject({ _tag: "Ended", durationSeconds: 60, statuses: ["RINGING", "ACCEPTED"], bizOpaqueCallbackData: "ticket-1", direction: "BUSINESS_INITIATED" });
    expect(answered?.session?.sdpType).toBe("answer");
    const failed = fold(callEvents("outboundFailed"));
    expect(failed?._tag === "Failed" && failed.errors.map((e) => e._tag)).toEqual(["MediaReceiveTimeout"]);
    expect(isCallOver(failed)).toBe(true);
  });

  it("the answer webhook before RINGING, and ACCEPTED after the terminate, still give an answered call", () => {
    const [ringing, accepted, answer, terminate] = callEvents("outboundAnswered") as [CallEvent, CallEvent, CallEvent, CallEvent];
    const early = fold([answer]);
    expect(early?._tag).toBe("Accepted");
    expect(isCallOver(early)).toBe(false);
    expect(fold([terminate, answer, accepted, ringing])).toEqual(fold([ringing, accepted, answer, terminate]));
    expect(fold([terminate])?._tag).toBe("Ended"); // a duration means it was picked up
  });

  it("contradictions are anomalies, not throws, and the state keeps one reading", () => {
    const [ringing, rejected] = callEvents("outboundRejected") as [CallEvent, CallEvent, CallEvent];
    const [, accepted] = callEvents("outboundAnswered") as [CallEvent, CallEvent];
    const both = fold([ringing, accepted, rejected]);
    expect(both?._tag).toBe("Accepted");
    expect(both?.anomalies).toEqual([{ _tag: "AcceptedAndRejected" }]);
    const other = callEvents("outboundNoAnswer", "wacid.OTHER", "ticket-9");
    const mixed = fold([ringing, ...other]);
    expect(mixed?._tag).toBe("Ringing");
    expect(mixed?.anomalies).toEqual([{ _tag: "OtherCall", callIds: ["wacid.OTHER"] }]);
    const relabelled = { ...(rejected as Extract<CallEvent, { _tag: "CallStatus" }>), bizOpaqueCallbackData: "ticket-2" };
    expect(fold([ringing, relabelled])?.anomalies).toEqual([{ _tag: "ConflictingValues", field: "bizOpaqueCallbackData", values: ["ticket-1", "ticket-2"] }]);
    expect(fold([relabelled, ringing])).toEqual(fold([ringing, relabelled]));
  });

  it("an event about no call leaves the state as it is", () => {
    const reply = { _tag: "CallPermissionReply", from: "1", response: "accept", rawResponse: "accept", isPermanent: false, metadata: { phoneNumberId: "1" }, raw: {} } as const;
    expect(foldCall(undefined, reply)).toBeUndefined();
    const s = fold(callEvents("inboundMissed"));
    expect(s && foldCall(s, reply)).toEqual(s);
  });

  it("an unreadable event is an anomaly", () => {
    const s = fold(callEvents("outboundNoAnswer")) as CallState;
    const hostile = new Proxy({}, { get: () => { throw new Error("trap"); } }) as CallEvent;
    expect(foldCall(s, hostile).anomalies).toEqual([{ _tag: "UnreadableEvent" }]);
  });
});
