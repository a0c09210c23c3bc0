import { afterEach, describe, expect, it } from "vitest";
import { connectToMeta, enableCalling } from "../examples/with-meta.js";
import { startFakeCallingApi, type FakeCallingApi } from "../src/testing/index.js";
import { connectChange, delivery } from "../src/testing/webhooks.js";
import { signBody, type CallEvent } from "../src/webhook/index.js";

let fake: FakeCallingApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("examples/with-meta.ts", () => {
  it("turns calling on for a number whose calling is off, and reads it back", async () => {
    fake = await startFakeCallingApi({ callingEnabled: false });
    const { client } = connectToMeta(
      { accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, appSecret: "app-secret-1", verifyToken: "verify-me", baseUrl: fake.url },
      () => undefined,
    );
    const before = await client.getCallingSettings();
    expect(before.isOk() && before.value.status).toBe("DISABLED");
    expect(await enableCalling(client)).toBe("calling ENABLED");
  });

  it("reports a wrong token as a typed error, without the token", async () => {
    fake = await startFakeCallingApi();
    const { client } = connectToMeta(
      { accessToken: "EAAwrong-token-123", phoneNumberId: fake.phoneNumberId, appSecret: "s", verifyToken: "v", baseUrl: fake.url },
      () => undefined,
    );
    const line = await enableCalling(client);
    expect(line).toMatch(/^AccessTokenInvalid: /);
    expect(line).not.toContain("EAAwrong-token-123");
  });

  it("answers Meta's handshake and hands a signed delivery to onEvent", async () => {
    const events: CallEvent[] = [];
    const { webhook } = connectToMeta(
      { accessToken: "EAAtoken", phoneNumberId: "1234567890", appSecret: "app-secret-1", verifyToken: "verify-me" },
      (e) => void events.push(e),
    );
    const hs = await webhook(new Request("http://localhost/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42"));
    expect([hs.status, await hs.text()]).toEqual([200, "42"]);
    const body = JSON.stringify(delivery([connectChange({ callId: "wacid.M1", from: "15551234567", to: "15550009999", direction: "USER_INITIATED", timestamp: 1_700_000_000_000 })]));
    const res = await webhook(new Request("http://localhost/webhook", { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, "app-secret-1") } }));
    expect(res.status).toBe(200);
    for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => `${e._tag} ${"callId" in e ? e.callId : ""}`)).toEqual(["CallConnect wacid.M1"]);
  });
});
