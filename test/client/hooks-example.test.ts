import { describe, expect, it } from "vitest";
import { jsonLogHooks, logOneThrottledCall } from "../../examples/client-hooks.js";
import { setup } from "./helpers.js";

describe("client-hooks example", () => {
  it("logs one JSON line per attempt and one per call, with nothing secret in them", async () => {
    const lines: string[] = [];
    await logOneThrottledCall((l) => lines.push(l));
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toEqual([
      expect.objectContaining({ event: "wacall.attempt", operation: "get_call_permissions", attempt: 1, ok: false, httpStatus: 429, errorTag: "ThroughputLimit", errorCode: 130429, retryDelayMs: 0 }),
      expect.objectContaining({ event: "wacall.attempt", operation: "get_call_permissions", attempt: 2, ok: true, httpStatus: 200 }),
      expect.objectContaining({ event: "wacall.call", operation: "get_call_permissions", ok: true, attempts: 2, httpStatus: 200 }),
    ]);
    expect(lines.join("\n")).not.toMatch(/fake-access-token|authorization|Bearer/i);
  });

  it("a logger that throws is reported through onHookError and the call goes on", async () => {
    const reported: string[] = [];
    const { fake, client } = await setup({}, {
      hooks: jsonLogHooks((line) => {
        if (line.startsWith("{")) throw new Error("disk full");
        reported.push(line);
      }),
    });
    try {
      expect((await client.getCallingSettings()).isOk()).toBe(true);
      expect(reported).toEqual(["log hook onAttemptEnd failed: Error: disk full", "log hook onCallEnd failed: Error: disk full"]);
    } finally {
      await fake.close();
    }
  });
});
