/**
 * A known secret, in every credential form (`Bearer`, quoted, `OAuth`, `Token`, `Basic`,
 * `access_token` in a URL, percent-encoded or JSON, app tokens, ICE credentials,
 * `WWW-Authenticate`, a password in a URL's userinfo), planted in every field of what the
 * client, the decoders and the webhook handler read, as text, object and bytes: neither
 * `JSON.stringify` nor `util.inspect` of what they return or report may show it.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { decodeCallingResponse, decodeGraphError, decodeSipResponse, toError } from "wacall";
import { createCallingClient, sdpOffer } from "wacall/client";
import { arbSecretForm, arbSecretPlacement, arbToken, type SecretForm } from "../../src/testing/arbitraries.js";
import { createWebhookHandler, decodeWebhook, signBody, type WebhookHandlerProblem } from "wacall/webhook";
import { answering, printed } from "./harness.js";

/** The needles of a form that a redactor which does not know the secret can still find. */
const patternNeedles = (f: SecretForm) => (f.needsExactSecret ? [] : f.needles);

const leaked = (value: unknown, needles: readonly string[]) => {
  const text = printed(value);
  return needles.filter((n) => text.includes(n));
};

const arbCase = arbToken.chain((secret) => fc.tuple(fc.constant(secret), arbSecretPlacement(secret)));

describe("the client never returns the token it holds, whatever the server echoes", () => {
  test.prop([arbCase], { numRuns: 60 })("in any field, form and shape", async ([secret, p]) => {
    const text = typeof p.body === "string" ? p.body : JSON.stringify(p.body);
    const client = createCallingClient({
      accessToken: secret,
      phoneNumberId: "1234567890",
      fetch: answering(p.status, p.shape === "bytes" ? new TextEncoder().encode(text) : text, p.headers),
      retry: { maxAttempts: 1 },
    });
    const results = await Promise.all([
      client.connect({ to: "15551234567", sdp: sdpOffer("v=0\r\n") }),
      client.terminate({ callId: "wacid.X" as never }),
      client.getCallPermissions({ userWaId: "15551234567" }),
    ]);
    for (const r of results) {
      expect(leaked(r, p.needles), `${p.form} in ${p.field} as ${p.shape}`).toEqual([]);
      if (r.isErr()) expect(leaked(toError(r.error), p.needles)).toEqual([]);
    }
  });
});

describe("decoders never return a secret they are told about, nor one a pattern finds", () => {
  test.prop([arbCase], { numRuns: 150 })("decodeGraphError and decodeCallingResponse", ([secret, p]) => {
    const told = decodeGraphError(p.body, { status: p.status, headers: p.headers, secrets: [secret] });
    expect(leaked(told, p.needles), `${p.form} in ${p.field} as ${p.shape}`).toEqual([]);
    const untold = patternNeedles(p);
    expect(leaked(decodeGraphError(p.body, { status: p.status, headers: p.headers }), untold), `${p.form} in ${p.field} as ${p.shape}`).toEqual([]);
    expect(leaked(decodeCallingResponse("connect", { status: p.status, body: p.body, headers: p.headers }), untold)).toEqual([]);
    expect(leaked(decodeCallingResponse("terminate", { status: 200, body: p.body, headers: p.headers }), untold)).toEqual([]);
  });

  test.prop([arbToken.chain((s) => fc.tuple(fc.constant(s), arbSecretForm(s)))], { numRuns: 100 })("decodeSipResponse", ([secret, f]) => {
    const sip = `SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: ${f.text}\r\nReason: Q.850;cause=21;text="${f.text}"\r\n\r\n`;
    expect(leaked(decodeSipResponse(sip, { secrets: [secret] }), f.needles), f.form).toEqual([]);
    expect(leaked(decodeSipResponse(sip), patternNeedles(f)), f.form).toEqual([]);
  });
});

/** A delivery carrying the form in a failed call's errors, in an unknown call field and in the SDP. */
function deliveryWith(f: SecretForm, secret: string): Record<string, unknown> {
  const now = String(Math.floor(Date.now() / 1000));
  const meta = { display_phone_number: "15550009999", phone_number_id: "1234567890" };
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "calls",
            value: {
              messaging_product: "whatsapp",
              metadata: meta,
              contacts: [{ profile: { name: "Caller" }, wa_id: "15551234567" }],
              calls: [
                { id: "wacid.A", from: "15551234567", to: "15550009999", event: "connect", direction: "USER_INITIATED", timestamp: now, note: f.text, session: { sdp_type: "offer", sdp: `v=0\r\na=ice-ufrag:${secret}\r\na=ice-pwd:${secret}\r\n` } },
                { id: "wacid.B", from: "15551234567", to: "15550009999", event: "terminate", status: "FAILED", direction: "USER_INITIATED", timestamp: now, access_token: secret },
              ],
              errors: [{ code: 131000, title: f.text, message: f.text, error_data: { details: f.text } }],
            },
          },
        ],
      },
    ],
  };
}

describe("webhook events and problems never print a secret", () => {
  const arbWebhook = arbToken.chain((s) => fc.tuple(fc.constant(s), arbSecretForm(s)));

  test.prop([arbWebhook], { numRuns: 60 })("decodeWebhook, told the secret or not", ([secret, f]) => {
    const body = deliveryWith(f, secret);
    for (const input of [body, JSON.stringify(body), new TextEncoder().encode(JSON.stringify(body))]) {
      const told = decodeWebhook(input, { secrets: [secret] });
      expect(leaked(told, f.needles), f.form).toEqual([]);
      // Without being told, patterns still remove the forms they know, and the ICE credentials.
      expect(leaked(decodeWebhook(input), patternNeedles(f)), f.form).toEqual([]);
    }
  });

  test.prop([arbWebhook], { numRuns: 20 })("the handler's events and onError problems (app secret known)", async ([secret, f]) => {
    const body = JSON.stringify(deliveryWith(f, secret));
    const events: unknown[] = [];
    const problems: WebhookHandlerProblem[] = [];
    const handler = createWebhookHandler({
      appSecret: secret,
      verifyToken: "verify-me",
      awaitHandlers: true,
      dedupe: false,
      onEvent: (e) => {
        events.push(e);
        throw new Error("handler failed"); // the application's own message is its own business
      },
      onError: (p) => problems.push(p),
    });
    const signature = await signBody(body, secret);
    const signed = await handler(new Request("http://127.0.0.1/webhook", { method: "POST", body, headers: { "x-hub-signature-256": signature } }));
    const forged = await handler(new Request("http://127.0.0.1/webhook", { method: "POST", body, headers: { "x-hub-signature-256": `sha256=${"0".repeat(64)}` } }));
    expect(signed.status).toBeGreaterThanOrEqual(200);
    expect(forged.status).toBe(403);
    expect(events.length).toBeGreaterThan(0);
    expect(leaked(events, f.needles), f.form).toEqual([]);
    expect(leaked(problems, [...f.needles, secret]), f.form).toEqual([]);
  });
});
