/**
 * The runtime smoke suite: the same checks on Node, Bun, Deno and workerd, written against the
 * Fetch API and wacall's sources only (no Node built-ins), so every runtime runs this very file.
 * Each check ends in a value; nothing here throws out of {@link runSmoke}.
 *
 * @module
 */
import { decodeGraphError } from "../../src/decode.js";
import { createCallingClient } from "../../src/client/client.js";
import { sdpOffer } from "../../src/client/types.js";
import { decodeWebhook } from "../../src/webhook/events.js";
import { createWebhookHandler } from "../../src/webhook/handler.js";
import { signBody } from "../../src/webhook/signature.js";
import { delivery, statusChange } from "../../src/testing/webhooks.js";
import { phoneIds } from "./phone-ids.js";

/** Where the checks find the servers the test process started. */
export interface SmokeInput {
  /** The Graph-like server (see graph-server.ts): behaviour chosen by the phone number id. */
  readonly server: string;
  /** A loopback URL on which nothing listens. */
  readonly refused: string;
  /** Sent as the access token: the server counts requests per token. */
  readonly token: string;
}

/** One check's outcome. */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** The names of the checks, in the order they run. */
export const checkNames = ["decode-body", "decode-webhook", "webhook-delivery", "client-ok", "client-refused", "client-refused-read", "client-reset-after-send", "client-timeout"] as const;

/** A check's name. */
export type CheckName = (typeof checkNames)[number];

/** What a runtime reports: every check, and the raw shapes of its fetch failures. */
export interface SmokeReport {
  readonly checks: Record<CheckName, CheckResult>;
  /** The runtime's own `fetch` rejections, described (name, message, code, causes). */
  readonly shapes: { readonly refused: unknown; readonly reset: unknown };
}

const SECRET = "smoke-app-secret";
const OFFER = sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
const fast = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 5_000 } } as const;

const pass = (detail: string): CheckResult => ({ ok: true, detail });
const fail = (detail: string): CheckResult => ({ ok: false, detail });

/** Name, message, code and causes of a thrown value, bounded, as JSON-friendly data. */
export function describeError(e: unknown, depth = 0): unknown {
  if (e === null || typeof e !== "object" || depth > 3) return typeof e === "string" ? e : String(e);
  const o = e as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown; constructor?: { name?: unknown } };
  return {
    type: typeof o.constructor?.name === "string" ? o.constructor.name : "?",
    name: o.name,
    message: o.message,
    ...(o.code !== undefined && { code: o.code }),
    ...(o.cause !== undefined && { cause: describeError(o.cause, depth + 1) }),
    ...(Array.isArray(o.errors) && { errors: o.errors.slice(0, 3).map((x) => describeError(x, depth + 1)) }),
  };
}

async function rawFailure(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    return `answered ${res.status}`;
  } catch (e) {
    return describeError(e);
  }
}

/** The transport the client checks use: the runtime's `fetch` unless one is given. */
let transport: typeof fetch | undefined;

function client(input: SmokeInput, baseUrl: string, phoneNumberId: string, timeoutMs = 5_000) {
  return createCallingClient({ accessToken: input.token, phoneNumberId, baseUrl, timeoutMs, ...fast, ...(transport !== undefined && { fetch: transport }) });
}

/** An error's tag, its `notSent` / `cause` when it has them, and its attempts. */
function summary(e: { readonly _tag: string; readonly attempts: number; readonly message: string }): string {
  const extra = ("notSent" in e ? ` notSent=${String(e.notSent)}` : "") + ("cause" in e ? ` cause=${String(e.cause)}` : "");
  return `${e._tag}${extra} attempts=${e.attempts}`;
}

const checks: Record<CheckName, (input: SmokeInput) => Promise<CheckResult>> = {
  "decode-body": async () => {
    const e = decodeGraphError(JSON.stringify({ error: { message: "Invalid OAuth access token", type: "OAuthException", code: 190, fbtrace_id: "A1" } }));
    return e._tag === "AccessTokenInvalid" ? pass(e._tag) : fail(`expected AccessTokenInvalid, got ${e._tag}`);
  },
  "decode-webhook": async () => {
    const body = JSON.stringify(delivery([statusChange({ callId: "wacid.SMOKE1", status: "RINGING", recipientId: "15551234567", timestamp: 1_750_000_000 })]));
    const r = decodeWebhook(body);
    if (r.isErr()) return fail(`decode failed: ${r.error._tag}`);
    const tags = r.value.map((e) => e._tag).join(",");
    return tags === "CallStatus" ? pass(tags) : fail(`expected one CallStatus, got [${tags}]`);
  },
  "webhook-delivery": async () => {
    const seen: string[] = [];
    const problems: string[] = [];
    const handler = createWebhookHandler({ appSecret: SECRET, verifyToken: "v", onEvent: (e) => void seen.push(e._tag), onError: (p) => void problems.push(p._tag) });
    const body = JSON.stringify(delivery([statusChange({ callId: "wacid.SMOKE2", status: "ACCEPTED", recipientId: "15551234567", timestamp: 1_750_000_000 })]));
    const res = await handler(new Request("http://localhost/webhook", { method: "POST", body, headers: { "content-type": "application/json", "x-hub-signature-256": await signBody(body, SECRET) } }));
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    const detail = `status ${res.status}, events [${seen.join(",")}], problems [${problems.join(",")}]`;
    return res.status === 200 && seen.length === 1 && seen[0] === "CallStatus" && problems.length === 0 ? pass(detail) : fail(detail);
  },
  "client-ok": async (input) => {
    const r = await client(input, input.server, phoneIds.ok).connect({ to: "15551234567", sdp: OFFER });
    if (r.isErr()) return fail(`${r.error._tag}: ${r.error.message}`);
    return r.value.startsWith("wacid.") ? pass(r.value) : fail(`unexpected call id ${r.value}`);
  },
  "client-refused": async (input) => {
    const r = await client(input, input.refused, "1000").connect({ to: "15551234567", sdp: OFFER });
    if (r.isOk()) return fail("connect succeeded against a closed port");
    const e = r.error;
    const detail = `${summary(e)}: ${e.message}`;
    return e._tag === "NetworkError" && e.notSent && e.attempts === 2 ? pass(detail) : fail(detail);
  },
  "client-refused-read": async (input) => {
    const r = await client(input, input.refused, "1000").getCallingSettings();
    if (r.isOk()) return fail("a read succeeded against a closed port");
    const detail = `${summary(r.error)}: ${r.error.message}`;
    return r.error._tag === "NetworkError" && r.error.attempts === 2 ? pass(detail) : fail(detail);
  },
  "client-reset-after-send": async (input) => {
    const r = await client(input, input.server, phoneIds.reset).connect({ to: "15551234567", sdp: OFFER, bizOpaqueCallbackData: "smoke" });
    if (r.isOk()) return fail("connect succeeded on a reset connection");
    const e = r.error;
    const detail = summary(e);
    return e._tag === "OutcomeUnknown" && e.cause === "reset" && e.attempts === 1 && e.bizOpaqueCallbackData === "smoke" ? pass(detail) : fail(detail);
  },
  "client-timeout": async (input) => {
    const r = await client(input, input.server, phoneIds.hang, 300).connect({ to: "15551234567", sdp: OFFER });
    if (r.isOk()) return fail("connect succeeded on a server that never answers");
    const e = r.error;
    const detail = `${summary(e)} after ${e.elapsedMs} ms`;
    return e._tag === "OutcomeUnknown" && e.cause === "timeout" && e.attempts === 1 && e.elapsedMs < 3_000 ? pass(detail) : fail(detail);
  },
};

/**
 * Runs every check in order; a check that throws fails with what it threw. The client checks use
 * `fetchImpl` when given (Deno runs them through the `fetch` its README section recommends).
 */
export async function runSmoke(input: SmokeInput, fetchImpl?: typeof fetch): Promise<SmokeReport> {
  transport = fetchImpl;
  const results: Partial<Record<CheckName, CheckResult>> = {};
  for (const name of checkNames) {
    try {
      results[name] = await checks[name](input);
    } catch (e) {
      results[name] = fail(`threw: ${JSON.stringify(describeError(e))}`);
    }
  }
  const shapes = { refused: await rawFailure(input.refused), reset: await rawFailure(`${input.server}/raw/${input.token}/reset`) };
  return { checks: results as Record<CheckName, CheckResult>, shapes };
}
