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
