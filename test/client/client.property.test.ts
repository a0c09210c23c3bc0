import fc from "fast-check";
import { test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { isGraphError, operations } from "wacall";
import { createCallingClient, type CallingClient } from "wacall/client";
import { startFakeCallingApi, type FakeCallingApi, type Fault } from "wacall/testing";
import { leaksNothing, OFFER, TOKEN, USER } from "./helpers.js";

const arbFault: fc.Arbitrary<Fault> = fc.oneof(
  fc.integer({ min: 0, max: 80 }).map((ms): Fault => ({ kind: "delay", ms })),
  fc.constant<Fault>({ kind: "hang" }),
  fc.constant<Fault>({ kind: "reset-before-processing" }),
  fc.constant<Fault>({ kind: "reset-after-processing" }),
  fc.constant<Fault>({ kind: "reset-mid-response" }),
  fc.constantFrom(500, 502, 503, 504).map((status): Fault => ({ kind: "html", status })),
  fc.constant<Fault>({ kind: "truncated-json" }),
  fc.constant<Fault>({ kind: "success-false" }),
  fc.integer({ min: 0, max: 2 }).map((s): Fault => ({ kind: "rate-limit", retryAfterSeconds: s })),
  fc.constantFrom(1, 2, 4, 100, 131000, 131016, 138002, 138004, 138006, 4242).map((code): Fault => ({ kind: "error", code })),
);

const DEADLINE = 400;
const TRANSPORT = new Set(["NetworkError", "Timeout", "Aborted", "OutcomeUnknown", "InvalidInput", "ResponseTooLarge", "UnexpectedRedirect"]);

let fake: FakeCallingApi;
let client: CallingClient;
beforeAll(async () => {
  fake = await startFakeCallingApi({ accessToken: TOKEN, limits: { permissionRequestsPerDay: 1e6, permissionRequestsPerWeek: 1e6, permissionLookupsPerSecond: 1e6 } });
  fake.grantPermission(USER, { permanent: true });
  client = createCallingClient({
    baseUrl: fake.url,
    accessToken: TOKEN,
    phoneNumberId: fake.phoneNumberId,
    timeoutMs: 60,
    retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 30, deadlineMs: DEADLINE },
  });
});
afterAll(() => fake.close());

describe("client laws", () => {
  test.prop(
    [fc.array(fc.record({ fault: arbFault, times: fc.integer({ min: 1, max: 3 }) }), { maxLength: 4 }), fc.constantFrom("connect", "get_call_permissions", "terminate", "update_settings")],
    { numRuns: 40, timeout: 5_000 },
  )("for any scripted faults the client resolves to a value within its deadline, never rejecting", async (faults, op) => {
    fake.clearFaults();
    for (const c of fake.calls()) fake.endCall(c.id);
    for (const f of faults) fake.fault(f.fault, { times: f.times });
    const t0 = performance.now();
    const call =
      op === "connect"
        ? client.connect({ to: USER, sdp: OFFER })
        : op === "terminate"
          ? client.terminate({ callId: fake.incomingCall(USER) as never })
          : op === "update_settings"
            ? client.updateCallingSettings({ status: "ENABLED" })
            : client.getCallPermissions({ userWaId: USER });
    const settled = await Promise.allSettled([call]);
    const took = performance.now() - t0;
    expect(settled[0]?.status).toBe("fulfilled");
    const result = settled[0]?.status === "fulfilled" ? settled[0].value : undefined;
    // The deadline bounds waiting; one last attempt may run into it by at most its timeout.
    expect(took).toBeLessThan(DEADLINE + 400);
    if (result?.isErr()) {
      const e: { _tag: string } = result.error;
      expect(isGraphError(e) || TRANSPORT.has(e._tag)).toBe(true);
      expect(leaksNothing(e)).toBe(true);
      expect(operations).toContain((e as { operation?: string }).operation);
    }
  });
});
