import fc from "fast-check";
import { test } from "@fast-check/vitest";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Operation } from "wacall";
import { createCallingClient, type CallingClient, type ClientHooks } from "wacall/client";
import { startFakeCallingApi, type Fault } from "wacall/testing";
import { arbSecretForm, arbSecretPlacement, arbToken, type SecretForm } from "../../src/testing/arbitraries.js";
import { OFFER, USER } from "./helpers.js";
import { leaks } from "./leaks.js";
import { rawServer, respond, type RawServer } from "./raw-server.js";

/** The ICE password of the SDP offer every connect sends. */
const ICE_PWD = "SecretIcePassword1234567";

/** Hooks that keep every info they are told, as a logger would receive it. */
function collecting(): { infos: unknown[]; hooks: ClientHooks } {
  const infos: unknown[] = [];
  const keep = (info: unknown) => void infos.push(info);
  return { infos, hooks: { onCallStart: keep, onAttemptEnd: keep, onCallEnd: keep } };
}

/** What may never appear in an info's printed forms: the token in any form, the form's needles, ICE credentials. */
function leaked(infos: readonly unknown[], token: string, form: SecretForm): string[] {
  const found: string[] = [];
  for (const info of infos) {
    const printed = `${JSON.stringify(info)}\n${inspect(info, { depth: 10 })}\n${String(info)}`;
    found.push(...leaks(info, token));
    found.push(...form.needles.filter((n) => printed.includes(n)));
    if (printed.includes(ICE_PWD) || /ice-(pwd|ufrag)/i.test(printed)) found.push("ICE credentials");
  }
  return found;
}

const calls: Record<"connect" | "get_call_permissions" | "terminate" | "send_call_permission_request" | "update_settings", (c: CallingClient) => Promise<unknown>> = {
  connect: async (c) => await c.connect({ to: USER, sdp: OFFER, bizOpaqueCallbackData: "ticket-7" }),
  get_call_permissions: async (c) => await c.getCallPermissions({ userWaId: USER }),
  terminate: async (c) => await c.terminate({ callId: "wacid.ABC" as never }),
  send_call_permission_request: async (c) => await c.sendCallPermissionRequest({ to: USER, body: "May we call you?" }),
  update_settings: async (c) => await c.updateCallingSettings({ status: "ENABLED" }),
};
const arbOp = fc.constantFrom(...(Object.keys(calls) as (keyof typeof calls)[]));

/** Faults of the fake Calling API; the `error` ones carry the secret form in `details`. */
const arbFault = (form: SecretForm): fc.Arbitrary<Fault> =>
  fc.oneof(
    fc.constantFrom<Fault>(
      { kind: "hang" },
      { kind: "reset-before-processing" },
      { kind: "reset-after-processing" },
      { kind: "reset-mid-response" },
      { kind: "html", status: 502 },
      { kind: "truncated-json" },
      { kind: "success-false" },
      { kind: "rate-limit", retryAfterSeconds: 0 },
    ),
    fc.record({ kind: fc.constant("error" as const), code: fc.constantFrom(131000, 138006, 190, 100, 138012, 4242), status: fc.constantFrom(400, 401, 429, 500), details: fc.constant(form.text) }),
  );

const quick = { timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 1, deadlineMs: 1_500 } } as const;

let raw: RawServer;
/** What the raw server answers next: a Graph error with a secret in one of its fields or headers. */
let answer: { status: number; headers: Record<string, string>; body: string } = { status: 400, headers: {}, body: "" };

beforeAll(async () => {
  raw = await rawServer((_req, socket) => respond(socket, answer.status, answer.headers, answer.body));
});
afterAll(() => raw.close());

describe("what the hooks are told never holds a secret", () => {
  test.prop([arbToken.chain((t) => fc.tuple(fc.constant(t), arbSecretForm(t)).chain(([t, form]) => fc.tuple(fc.constant(t), fc.constant(form), arbFault(form), arbOp, fc.integer({ min: 1, max: 2 })))), ], {
    numRuns: 40,
    timeout: 10_000,
  })("faults of the fake Calling API, the token's forms in their details", async ([token, form, fault, op, times]) => {
    const fake = await startFakeCallingApi({ accessToken: token });
    try {
      fake.grantPermission(USER);
      fake.fault(fault, { operation: op as Operation, times });
      const { infos, hooks } = collecting();
      const client = createCallingClient({ baseUrl: fake.url, accessToken: token, phoneNumberId: fake.phoneNumberId, ...quick, hooks });
      await calls[op](client);
      expect(infos.length).toBeGreaterThanOrEqual(3); // a start, at least one attempt, an end
      expect(leaked(infos, token, form)).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  test.prop([arbToken.chain((t) => fc.tuple(fc.constant(t), arbSecretPlacement(t), arbOp))], { numRuns: 60, timeout: 10_000 })(
    "Graph errors with the secret in any field, form or header",
    async ([token, placement, op]) => {
      const text = typeof placement.body === "string" ? placement.body : JSON.stringify(placement.body);
      // Header values cannot carry CR or LF on the wire; everything else is sent as generated.
      const headers = Object.fromEntries(Object.entries(placement.headers).map(([k, v]) => [k, v.replace(/[\r\n]+/g, " ")]));
      answer = { status: placement.status, headers: { "content-type": "application/json", ...headers }, body: text };
      const { infos, hooks } = collecting();
      const client = createCallingClient({ baseUrl: raw.url, accessToken: token, phoneNumberId: "1", ...quick, hooks });
      await calls[op](client);
      expect(infos.length).toBeGreaterThanOrEqual(3);
      expect(leaked(infos, token, placement)).toEqual([]);
    },
  );

  test.prop([arbToken.chain((t) => fc.tuple(fc.constant(t), arbSecretForm(t), arbOp))], { numRuns: 40 })(
    "a transport whose errors carry the token as their code and the secret in their message",
    async ([token, form, op]) => {
      const { infos, hooks } = collecting();
      const fetch = () => Promise.reject(Object.assign(new Error(form.text), { code: token, cause: { code: token, message: form.text } }));
      const client = createCallingClient({ accessToken: token, phoneNumberId: "1", ...quick, fetch, hooks });
      await calls[op](client);
      expect(infos.some((i) => (i as { networkErrorCode?: string }).networkErrorCode !== undefined)).toBe(true);
      expect(leaked(infos, token, form)).toEqual([]);
    },
  );
});
