import { afterEach, describe, expect, it } from "vitest";
import { createCallEventSource, sdpOffer } from "wacall/client";
import type { CallEvent } from "wacall/webhook";
import { startRig, type Rig } from "./endpoint.js";
import { callEvents } from "./events.js";

const [ringing, accepted, answer, terminate] = callEvents("outboundAnswered", "wacid.A", "ticket-A") as [CallEvent, CallEvent, CallEvent, CallEvent];
const [otherRinging] = callEvents("outboundNoAnswer", "wacid.B", "ticket-B") as [CallEvent];

describe("createCallEventSource (in process)", () => {
  it("an event published before the wait began is found in the replay buffer", async () => {
    const source = createCallEventSource();
    source.publish(otherRinging);
    source.publish(ringing);
    const r = await source.next({ callId: "wacid.A" }, { deadlineMs: 50 });
    expect(r._unsafeUnwrap()).toBe(ringing);
    expect(source.stats().waiters).toBe(0);
  });

  it("a wait registered first gets the event when it is published", async () => {
    const source = createCallEventSource();
    const waiting = source.next({ bizOpaqueCallbackData: "ticket-A" }, { deadlineMs: 1_000 });
    setTimeout(() => {
      source.publish(otherRinging);
      source.publish(accepted);
    }, 10);
    expect((await waiting)._unsafeUnwrap()).toBe(accepted);
  });

  it("a wait after a position sees only later events", async () => {
    const source = createCallEventSource();
    source.publish(ringing);
    const after = source.position();
    const r = await source.next({ callId: "wacid.A" }, { after, deadlineMs: 30 });
    expect(r._unsafeUnwrapErr()).toMatchObject({ _tag: "EventWaitTimeout" });
    source.publish(terminate);
    expect((await source.next({ callId: "wacid.A" }, { after }))._unsafeUnwrap()).toBe(terminate);
  });

  it("times out with a typed value when no event comes, and frees the waiter", async () => {
    const source = createCallEventSource();
    const started = Date.now();
    const r = await source.next({ callId: "wacid.NEVER" }, { deadlineMs: 40 });
    const e = r._unsafeUnwrapErr();
    expect(e._tag).toBe("EventWaitTimeout");
    expect(e._tag === "EventWaitTimeout" && e.waitedMs).toBeGreaterThanOrEqual(35);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(source.stats().waiters).toBe(0);
  });

  it("an aborted signal stops the wait, before or during it", async () => {
    const source = createCallEventSource();
    const before = new AbortController();
    before.abort();
    expect((await source.next({ callId: "wacid.A" }, { signal: before.signal }))._unsafeUnwrapErr()._tag).toBe("EventWaitAborted");
    const during = new AbortController();
    const waiting = source.next({ callId: "wacid.A" }, { signal: during.signal, deadlineMs: 5_000 });
    setTimeout(() => during.abort(), 10);
    expect((await waiting)._unsafeUnwrapErr()._tag).toBe("EventWaitAborted");
    expect(source.stats().waiters).toBe(0);
  });

  it("a follower gives each matching event once, in order, duplicates as delivered", async () => {
    const source = createCallEventSource();
    source.publish(ringing);
    const f = source.follow({ callId: "wacid.A" });
    source.publish(otherRinging);
    source.publish(answer);
    source.publish(answer);
    const got: CallEvent[] = [];
    for (let i = 0; i < 3; i++) got.push((await f.next({ deadlineMs: 50 }))._unsafeUnwrap());
    expect(got).toEqual([ringing, answer, answer]);
    expect((await f.next({ deadlineMs: 20 }))._unsafeUnwrapErr()._tag).toBe("EventWaitTimeout");
    f.close();
    expect((await f.next())._unsafeUnwrapErr()._tag).toBe("EventWaitAborted");
    expect(source.stats().waiters).toBe(0);
  });

  it("memory is bounded: the replay buffer, the waiters and each follower's queue", async () => {
    const source = createCallEventSource({ replaySize: 8, maxWaiters: 2, queueSize: 3 });
    const f = source.follow({ callId: "wacid.A" });
    for (let i = 0; i < 1_000; i++) source.publish(i % 2 === 0 ? ringing : otherRinging);
    expect(source.stats()).toEqual({ buffered: 8, waiters: 1, published: 1_000, busFailures: 0 });
    expect(f.dropped()).toBe(497);
    const g = source.follow({ callId: "wacid.B" });
    expect((await source.next({ callId: "wacid.C" }, { deadlineMs: 5_000 }))._unsafeUnwrapErr()).toMatchObject({ _tag: "TooManyWaiters", limit: 2 });
    f.close();
    g.close();
    expect(source.stats().waiters).toBe(0);
  });

  it("events older than replayMs are not replayed", async () => {
    let now = 1_000_000;
    const source = createCallEventSource({ replayMs: 5_000, clock: () => now });
    source.publish(ringing);
    now += 6_000;
    expect((await source.next({ callId: "wacid.A" }, { deadlineMs: 20 }))._unsafeUnwrapErr()._tag).toBe("EventWaitTimeout");
  });

  it("a predicate that throws matches nothing and hurts no other waiter; hostile events are ignored", async () => {
    const source = createCallEventSource();
    const bad = source.next(() => {
      throw new Error("predicate");
    }, { deadlineMs: 30 });
    const good = source.next((e) => e._tag === "CallTerminate", { deadlineMs: 1_000 });
    source.publish(null as unknown as CallEvent);
    source.publish(new Proxy({}, { get: () => { throw new Error("trap"); }, has: () => { throw new Error("trap"); } }) as CallEvent);
    source.publish(terminate);
    expect((await good)._unsafeUnwrap()).toBe(terminate);
    expect((await bad)._unsafeUnwrapErr()._tag).toBe("EventWaitTimeout");
  });
});

describe("createCallEventSource fed by the webhook handler (fake API, signed webhooks, loopback)", () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("the RINGING webhook that arrives before anyone waits is not missed", async () => {
    rig = await startRig();
    rig.fake.grantPermission("15551110000");
    const placed = await rig.client.connect({ to: "15551110000", sdp: sdpOffer("v=0\r\n"), bizOpaqueCallbackData: "early" });
    const callId = placed._unsafeUnwrap();
    await rig.fake.webhooksIdle(); // the webhook has been handled: the wait starts late on purpose
    const r = await rig.source.next({ callId }, { deadlineMs: 2_000 });
    expect(r._unsafeUnwrap()).toMatchObject({ _tag: "CallStatus", status: "RINGING", bizOpaqueCallbackData: "early" });
  });

  it("a webhook that never comes is a typed timeout", async () => {
    rig = await startRig();
    const callId = rig.fake.incomingCall("15552220000");
    const connect = await rig.source.next({ callId }, { deadlineMs: 2_000 });
    expect(connect._unsafeUnwrap()._tag).toBe("CallConnect");
    const after = rig.source.position();
    const end = await rig.source.next((e) => e._tag === "CallTerminate" && e.callId === callId, { after, deadlineMs: 150 });
    expect(end._unsafeUnwrapErr()).toMatchObject({ _tag: "EventWaitTimeout" });
  });

  it("a redelivered webhook reaches the source once (the handler de-duplicates)", async () => {
    rig = await startRig();
    rig.fake.grantPermission("15553330000");
    const callId = (await rig.client.connect({ to: "15553330000", sdp: sdpOffer("v=0\r\n") }))._unsafeUnwrap();
    await rig.fake.webhooksIdle();
    const first = rig.fake.webhooks[0];
    await rig.fake.sendWebhook(first?.body);
    await rig.fake.webhooksIdle();
    const f = rig.source.follow({ callId });
    expect((await f.next({ deadlineMs: 100 }))._unsafeUnwrap()._tag).toBe("CallStatus");
    expect((await f.next({ deadlineMs: 100 }))._unsafeUnwrapErr()._tag).toBe("EventWaitTimeout");
    f.close();
  });
});
