/** The in-memory call-state store: the fold of every event, in any order, bounded in calls. */
import { describe, expect, it } from "vitest";
import { foldCall, type CallState } from "wacall/client";
import { memoryCallStateStore } from "../../src/calls/store.js";
import { callEvents } from "./events.js";

describe("memoryCallStateStore", () => {
  it("keeps the fold of a call's events whatever their order, and forgets the oldest call past maxCalls", async () => {
    const store = memoryCallStateStore({ maxCalls: 2 });
    const events = callEvents("outboundFailed", "wacid.M1");
    for (const e of [...events].reverse()) (await store.apply(e))._unsafeUnwrap();
    expect((await store.get("wacid.M1"))._unsafeUnwrap()).toEqual(events.reduce<CallState | undefined>(foldCall, undefined));
    expect((await store.get("wacid.M1"))._unsafeUnwrap()?._tag).toBe("Failed");
    for (const id of ["wacid.M2", "wacid.M3"]) (await store.apply(callEvents("inboundMissed", id)[0]!))._unsafeUnwrap();
    expect((await store.get("wacid.M1"))._unsafeUnwrap()).toBeUndefined();
    expect((await store.get("wacid.M3"))._unsafeUnwrap()?._tag).toBe("Ringing");
  });
});

describe("the event and state codec under hostile input", () => {
  it("gives undefined, in bounded time and memory, for a graph of shared references", async () => {
    const { encodeCallEvent, encodeCallState } = await import("../../src/calls/codec.js");
    let node: Record<string, unknown> = { _tag: "CallConnect" };
    for (let i = 0; i < 40; i++) node = { _tag: "CallConnect", a: node, b: node, c: node };
    expect(encodeCallEvent(node as never)).toBeUndefined();
    expect(encodeCallState(node as never)).toBeUndefined();
  });
});
