/**
 * The handler decodes JSON it parsed itself as "owned": each event's key is fixed as the event is
 * built, and a `raw` that redaction leaves unchanged is the parsed item itself instead of a copy.
 * That must give exactly what the general path gives (same events, same keys), and the key must
 * not move when the application changes what it was handed.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { makeScrubber } from "../../src/internal/redact.js";
import { decodeDelivery } from "../../src/webhook/items.js";
import { createWebhookHandler, decodeWebhookItems, eventKey, signBody, type CallEvent } from "wacall/webhook";

const SECRET = "owned-decode-app-secret";
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom('quote " and \\ backslash', "line\r\nbreak\u0000nul", "\ud800 lone", "😀 pair", "Bearer abcdefgh12345678", "a=ice-pwd:Zx9IcePassword01", SECRET),
);
const arbCall = fc.record({
  id: text.map((s) => `wacid.${s}`),
  event: fc.constantFrom("connect", "terminate", "call_created", "something_new"),
  timestamp: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map(String),
  from: text,
  direction: fc.constantFrom("USER_INITIATED", "BUSINESS_INITIATED"),
  session: fc.record({ sdp_type: fc.constantFrom("offer", "answer"), sdp: text }),
  extra: fc.jsonValue({ maxDepth: 4 }),
});
const arbStatus = fc.record({ id: text.map((s) => `wacid.${s}`), type: fc.constant("call"), status: fc.constantFrom("RINGING", "ACCEPTED"), recipient_id: text });
const delivery = (calls: readonly unknown[], statuses: readonly unknown[]) =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{ id: "1", changes: [{ field: "calls", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "1" }, calls, statuses } }] }],
  });

describe("owned decoding", () => {
  test.prop([fc.array(arbCall, { maxLength: 3 }), fc.array(arbStatus, { maxLength: 2 })])("gives the general path's events and keys", async (calls, statuses) => {
    const body = delivery(calls, statuses);
    const general = decodeWebhookItems(body, { secrets: [SECRET] })._unsafeUnwrap();
    const owned = decodeDelivery(JSON.parse(body), makeScrubber([SECRET]), [SECRET], true)._unsafeUnwrap();
    expect(owned).toEqual(general);
    expect(JSON.stringify(owned.events)).toBe(JSON.stringify(general.events));
    for (const [i, event] of owned.events.entries()) expect(await eventKey(event)).toBe(await eventKey(general.events[i] as CallEvent));
  });

  test.prop([fc.array(arbCall, { minLength: 1, maxLength: 3 })])("keys do not move when the application changes an event's raw", async (calls) => {
    const body = delivery(calls, []);
    const expected = await Promise.all(decodeWebhookItems(body, { secrets: [SECRET] })._unsafeUnwrap().events.map((e) => eventKey(e)));
    const keys: string[] = [];
    const handler = createWebhookHandler({
      appSecret: SECRET,
      verifyToken: "v",
      awaitHandlers: true,
      onEvent: async (event) => {
        // The raw object may be the parsed item itself: scribble over it, then ask for the key.
        const raw = event.raw as Record<string, unknown>;
        if (typeof raw === "object" && raw !== null) {
          raw.id = "changed";
          raw.injected = { more: [1, 2, 3] };
          if (typeof raw.session === "object" && raw.session !== null) (raw.session as Record<string, unknown>).sdp = "changed";
        }
        keys.push(await eventKey(event));
      },
    });
    const response = await handler(new Request("http://localhost/webhook", { method: "POST", body, headers: { "x-hub-signature-256": await signBody(body, SECRET) } }));
    expect(response.status).toBe(200);
    expect(keys).toEqual(expected);
  });
});
