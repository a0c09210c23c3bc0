/**
 * The webhook and decoder fast paths must give exactly what the general, guarded paths give: the
 * same redacted copy of parsed JSON, and the same event key.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { redactJson } from "../../src/internal/redact-json.js";
import { makeScrubber, redactDeep } from "../../src/internal/redact.js";
import { decodeWebhook, eventKey } from "wacall/webhook";
import { eventKeyOfParsed } from "../../src/webhook/event-key.js";

const secretish = fc.oneof(
  fc.string(),
  fc.constantFrom("Bearer abcdefgh12345678", "access_token=EAAabcdefgh123456", "a=ice-pwd: Zx9IcePassword01", "1234567890123|abcdefABCDEF0123456789", "pl@in-secret-value"),
);
const arbJsonText = fc.json();
const withSecrets = fc.jsonValue().chain((v) =>
  fc.record({ access_token: secretish, nested: fc.record({ message: secretish, password: fc.string() }), v: fc.constant(v) }),
);

describe("fast paths equal the general ones", () => {
  test.prop([fc.oneof(arbJsonText, withSecrets.map((o) => JSON.stringify(o))), fc.constantFrom(undefined, ["pl@in-secret-value"])])(
    "redactJson equals redactDeep on anything JSON.parse returns",
    (text, secrets) => {
      const scrub = makeScrubber(secrets);
      expect(redactJson(JSON.parse(text), scrub)).toEqual(redactDeep(JSON.parse(text), scrub));
    },
  );

  const delivery = (calls: readonly unknown[]) =>
    JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "calls", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "1" }, calls } }] }] });
  const arbCall = fc.record({
    id: fc.string({ minLength: 1 }).map((s) => `wacid.${s}`),
    event: fc.constantFrom("connect", "terminate", "something_new"),
    timestamp: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map(String),
    from: fc.string(),
    extra: fc.jsonValue(),
  });

  test.prop([fc.array(arbCall, { minLength: 1, maxLength: 4 })])("eventKeyOfParsed equals eventKey for decoded events", async (calls) => {
    const decoded = decodeWebhook(delivery(calls));
    expect(decoded.isOk()).toBe(true);
    for (const event of decoded._unsafeUnwrap()) {
      const fast = eventKeyOfParsed(event);
      if (fast !== undefined) expect(fast).toBe(await eventKey(event));
    }
  });
});
