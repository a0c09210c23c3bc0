import { createCallingClient, type ClientHooks } from "wacall/client";
import { startFakeCallingApi } from "wacall/testing";

/**
 * Hooks that log one JSON line per attempt and per call. Every info is safe to log as it is:
 * operation, attempt, HTTP status, error tag and code, durations, never the token, a header, a
 * body (SDP and ICE credentials included) or an error message.
 */
export function jsonLogHooks(log: (line: string) => void): ClientHooks {
  return {
    onAttemptEnd: (info) => log(JSON.stringify({ event: "wacall.attempt", ...info })),
    onCallEnd: (info) => log(JSON.stringify({ event: "wacall.call", ...info })),
    // A logger that fails must not go unnoticed, but it never breaks a call.
    onHookError: (error, { hook }) => log(`log hook ${hook} failed: ${String(error)}`),
  };
}

/** A permission look-up throttled once (429, Retry-After: 0), then answered: two attempts, one call. */
export async function logOneThrottledCall(log: (line: string) => void): Promise<void> {
  const fake = await startFakeCallingApi();
  try {
    fake.fault({ kind: "rate-limit", retryAfterSeconds: 0 }, { operation: "get_call_permissions" });
    const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, hooks: jsonLogHooks(log) });
    await client.getCallPermissions({ userWaId: "15551234567" });
  } finally {
    await fake.close();
  }
}
