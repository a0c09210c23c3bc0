import { describe, expect, it } from "vitest";
import * as permissionDenied from "../examples/permission-denied.js";
import * as pipeline from "../examples/result-pipeline.js";
import * as tsPattern from "../examples/ts-pattern.js";

describe("examples", () => {
  it("permission-denied: a 138006 answer leads to a permission request", () => {
    expect(permissionDenied.example()).toBe("send a call permission request");
    expect(permissionDenied.handleConnectResponse(200, '{"calls":[{"id":"wacid.X1"}]}')).toBe("calling: wacid.X1");
    expect(permissionDenied.handleConnectResponse(401, '{"error":{"code":190,"message":"expired"}}')).toBe("AccessTokenInvalid: expired");
  });
  it("result-pipeline: composes permission and connect", () => {
    expect(pipeline.example()).toEqual([
      "connected wacid.HBgLMTY1NTU",
      "BusinessInitiatedCallsLimitHit until 2030-03-17T17:46:40.000Z",
      "CallPermissionNotFound",
    ]);
  });
  it("ts-pattern: routes every variant", () => {
    expect(tsPattern.example()).toEqual([
      "CallPermissionNotFound -> user",
      "ConcurrentCallsLimit -> retry",
      "AccessTokenInvalid -> ops",
      "MalformedResponse -> dev",
    ]);
  });
});

describe("call-centre example (the demo)", () => {
  it("runs the whole pipeline against the fake server", async () => {
    const { runCallCentre } = await import("../examples/call-centre.js");
    const lines: string[] = [];
    await runCallCentre((l) => lines.push(l));
    const text = lines.join("\n");
    expect(lines).toContain("15550000001: permission requested");
    expect(text).toMatch(/15550000001: call 1: connected wacid\./);
    expect(text).toMatch(/15550000001: call 3: BusinessInitiatedCallsLimitHit: try again at \d{4}-/);
    expect(text).toContain("15550000002: call: CallPermissionNotFound");
    expect(text).toMatch(/15550000002: ask again: not allowed until \d{4}-/);
    expect(text).toContain("15550000003: call: ReceiverUncallable");
    expect(text).toContain("15550000004: call through a flaky network: OutcomeUnknown");
  });
});

describe("flow examples (end to end: fake server → signed webhooks → handler over loopback)", () => {
  it("outbound: permission request, reply webhook, call, statuses, a failed terminate, a settled OutcomeUnknown", async () => {
    const { runOutboundFlow } = await import("../examples/outbound-flow.js");
    const lines: string[] = [];
    await runOutboundFlow((l) => lines.push(l));
    expect(lines).toEqual([
      "permission: Requested",
      "  webhook: permission reply accept",
      "permission: Granted",
      expect.stringMatching(/^connect: wacid\./),
      "  webhook: status RINGING",
      "  webhook: status ACCEPTED",
      "  webhook: connect (BUSINESS_INITIATED, SDP answer)",
      "  webhook: terminate FAILED: MediaReceiveTimeout: media or setup failed on the user's side; call again later",
      "connect: OutcomeUnknown after 1 attempt",
      "settled from webhooks: CallPlaced (CallStatus)",
    ]);
  });
  it("inbound: answered within the window, refused after it", async () => {
    const { runInboundFlow } = await import("../examples/inbound-flow.js");
    const lines: string[] = [];
    await runInboundFlow((l) => lines.push(l));
    expect(lines).toEqual([
      "incoming call from 15557770000 with an SDP offer; answering after 2 s",
      expect.stringMatching(/^answered wacid\./),
      "  webhook: CallTerminate COMPLETED, 2 s",
      "incoming call from 15557770000 with an SDP offer; answering after 90 s",
      expect.stringMatching(/^too late: the window closed at \d{4}-/),
    ]);
  });
});

describe("webhook-hono example", () => {
  it("serves the handshake and signed deliveries through Hono", async () => {
    const { createApp } = await import("../examples/webhook-hono.js");
    const { signBody } = await import("wacall/webhook");
    const { delivery, statusChange } = await import("wacall/testing");
    const seen: string[] = [];
    const app = createApp("secret", "token", (e) => void seen.push(e._tag));
    const hs = await app.request("/webhook?hub.mode=subscribe&hub.verify_token=token&hub.challenge=5");
    expect(await hs.text()).toBe("5");
    const body = JSON.stringify(delivery([statusChange({ callId: "wacid.H", status: "RINGING", recipientId: "1", timestamp: Date.now() })]));
    const res = await app.request("/webhook", { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, "secret") } });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual(["CallStatus"]);
    const bad = await app.request("/webhook", { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, "wrong") } });
    expect(bad.status).toBe(403);
  });
});

describe("client-basics example", () => {
  it("places a call on the fake server", async () => {
    const { placeOneCall } = await import("../examples/client-basics.js");
    expect(await placeOneCall()).toBe("ringing: wacid.");
  });
});
