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
