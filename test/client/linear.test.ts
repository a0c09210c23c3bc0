import { describe, expect, it } from "vitest";
import { createCallingClient, sdpOffer } from "wacall/client";
import { OFFER, TOKEN, USER } from "./helpers.js";

/** Runs a call on input built to trip a backtracking regex; it must end, as InvalidInput, fast. */
async function timed(run: () => unknown): Promise<{ ms: number; value: unknown }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

describe("every check of the client is linear in its input", () => {
  const N = 200_000;
  it.each<[string, () => unknown, string]>([
    [
      "a base URL of many slashes followed by a character (quadratic for /\\/+$/)",
      // An invalid token makes the call end before the network; the base URL is still trimmed and parsed.
      () => createCallingClient({ accessToken: "not sent", phoneNumberId: "1", baseUrl: `http://127.0.0.1${"/".repeat(N)}x` }).getCallingSettings(),
      "accessToken",
    ],
    ["an SDP of whitespace", () => createCallingClient({ accessToken: TOKEN, phoneNumberId: "1" }).connect({ to: USER, sdp: sdpOffer(" ".repeat(N * 10)) }), "sdp"],
    ["a call id of a million characters", () => createCallingClient({ accessToken: TOKEN, phoneNumberId: "1" }).terminate({ callId: `wacid.${"a".repeat(N * 5)} ` as never }), "callId"],
    ["a recipient of a million characters", () => createCallingClient({ accessToken: TOKEN, phoneNumberId: "1" }).getCallPermissions({ recipient: `${"a".repeat(N * 5)} ` }), "recipient"],
    ["an access token of a million characters", () => createCallingClient({ accessToken: "a".repeat(N * 5), phoneNumberId: "1" }).getCallingSettings(), "accessToken"],
    ["a bizOpaqueCallbackData of a million characters", () => createCallingClient({ accessToken: TOKEN, phoneNumberId: "1" }).connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "\n".repeat(N * 5) }), "bizOpaqueCallbackData"],
  ])("%s", async (_name, run, field) => {
    const { ms, value } = await timed(run);
    expect(ms).toBeLessThan(1_000);
    expect(value).toMatchObject({ error: { _tag: "InvalidInput", field } });
  });
});
