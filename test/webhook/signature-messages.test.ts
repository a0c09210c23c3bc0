/**
 * A delivery the handler refuses tells `onError` what to check, not only that it failed: the
 * most common causes are an app secret copied with whitespace (or another app's) and a body
 * that was re-serialized before the handler saw it.
 */
import { describe, expect, it } from "vitest";
import { createWebhookHandler, signBody, verifySignature, type WebhookHandlerProblem } from "wacall/webhook";
import { delivery, terminateChange } from "wacall/testing";

const secret = "0123456789abcdef0123456789abcdef";
const body = JSON.stringify(
  delivery([terminateChange({ callId: "wacid.T1", from: "15551234567", to: "15550009999", direction: "BUSINESS_INITIATED", timestamp: 1_700_000_000_000, status: "COMPLETED" })]),
);

async function refused(appSecret: string, sentBody: string, signedWith: string): Promise<{ status: number; problems: WebhookHandlerProblem[] }> {
  const problems: WebhookHandlerProblem[] = [];
  const handler = createWebhookHandler({ appSecret, verifyToken: "v", onEvent: () => undefined, onError: (p) => void problems.push(p) });
  const signature = await signBody(body, signedWith);
  const response = await handler(new Request("http://127.0.0.1/webhook", { method: "POST", body: sentBody, headers: { "content-type": "application/json", "x-hub-signature-256": signature } }));
  return { status: response.status, problems };
}

describe("a signature that does not match says what to check", () => {
  it.each([
    ["an app secret copied with a trailing newline", `${secret}\n`, body, secret],
    ["another app's secret", "fedcba9876543210fedcba9876543210", body, secret],
    ["a body re-serialized by a parser", secret, JSON.stringify(JSON.parse(body), null, 2), secret],
  ])("%s", async (_label, appSecret, sentBody, signedWith) => {
    const { status, problems } = await refused(appSecret, sentBody, signedWith);
    expect(status).toBe(403);
    expect(problems).toHaveLength(1);
    const p = problems[0];
    expect(p?._tag).toBe("Signature");
    const message = p?._tag === "Signature" ? p.error.message : "";
    expect(message).toMatch(/App settings › Basic/);
    expect(message).toMatch(/whitespace/);
    expect(message).toMatch(/raw body|bytes as received/);
    expect(message).not.toContain(secret);
  });

  it("verifySignature says the same, and names what to pass when no secret is given", async () => {
    const signature = await signBody(body, secret);
    const wrong = (await verifySignature(body, signature, "another-secret-entirely"))._unsafeUnwrapErr();
    expect(wrong).toMatchObject({ _tag: "SignatureMismatch" });
    expect(wrong.message).toMatch(/App settings › Basic/);
    const none = (await verifySignature(body, signature, []))._unsafeUnwrapErr();
    expect(none).toMatchObject({ _tag: "NoSecretConfigured" });
    expect(none.message).toMatch(/App settings › Basic/);
  });
});
