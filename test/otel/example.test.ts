import { describe, expect, it } from "vitest";
import { traceTwoCalls } from "../../examples/otel-tracing.js";

describe("otel-tracing example", () => {
  it("exports a span per call and a child span per attempt", async () => {
    expect(await traceTwoCalls()).toEqual([
      "wacall get_call_permissions 200",
      "  GET /v23.0/{phone_number_id}/call_permissions 429 ThroughputLimit",
      "  GET /v23.0/{phone_number_id}/call_permissions 200",
      expect.stringMatching(/^wacall connect \d{3} CallPermissionNotFound$/),
      expect.stringMatching(/^ {2}POST \/v23\.0\/\{phone_number_id\}\/calls \d{3} CallPermissionNotFound$/),
      "failed calls: 1",
    ]);
  });
});
