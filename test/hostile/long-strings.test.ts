/**
 * Multi-megabyte strings, the shapes that overflow a backtracking regex or a recursive walker,
 * through every decoder: each returns a value, bounded, within a generous time (a shared machine
 * is slow, a super-linear pass is slower still: a few million characters take minutes or
 * overflow the stack).
 */
import { describe, expect, it } from "vitest";
import { decodeCallingResponse, decodeGraphError, decodeSipResponse } from "wacall";
import { decodeWebhook } from "wacall/webhook";
import { settle, unprintable } from "./harness.js";

const M = 1_000_000;
const longStrings: readonly (readonly [string, () => string])[] = [
  ['"EAA" + "a" × 5M', () => `EAA${"a".repeat(5 * M)}`],
  ['"EAA" + "aB3" × 2M', () => `EAA${"aB3".repeat(2 * M)}`],
  ['"Bearer " + " " × 1M', () => `Bearer ${" ".repeat(M)}`],
  ['"Bearer" + "\\t" × 1M + "x"', () => `Bearer${"\t".repeat(M)}x`],
  ['"Bearer " + "a" × 5M', () => `Bearer ${"a".repeat(5 * M)}`],
  ['"Bearer " × 500k', () => "Bearer ".repeat(500_000)],
  ['"OAuth \\"" + "a" × 3M', () => `OAuth "${"a".repeat(3 * M)}`],
  ['"access_token=" × 300k', () => "access_token=".repeat(300_000)],
  ['"access_token%3D" + "a" × 3M', () => `access_token%3D${"a".repeat(3 * M)}`],
  ['"a=ice-pwd: " + " " × 2M + "x"', () => `a=ice-pwd: ${" ".repeat(2 * M)}x`],
  ['"123456789012345|" + "a" × 3M', () => `123456789012345|${"a".repeat(3 * M)}`],
  ['"9" × 3M + "|x"', () => `${"9".repeat(3 * M)}|x`],
  ['"token=\\"" × 300k', () => 'token="'.repeat(300_000)],
  ['"\\u001b[" × 1M', () => "\u001b[".repeat(M)],
  // JSON escapes, read before redaction: each level one linear pass, also over runs of backslashes.
  [String.raw`"\u0045AA" × 500k`, () => String.raw`\u0045AA`.repeat(500_000)],
  [String.raw`"\" × 3M + "u0045AAGxxxxxxxx"`, () => `${"\\".repeat(3 * M)}u0045AAGxxxxxxxx`],
  [String.raw`"\u" × 1M`, () => "\\u".repeat(M)],
  [String.raw`"\\\u005c" × 300k + "u0045AAGxxxxxxxx"`, () => `${String.raw`\\\u005c`.repeat(300_000)}u0045AAGxxxxxxxx`],
];

/** Every decoder, with the string in the fields it reads. */
const decoders: readonly (readonly [string, (s: string) => unknown])[] = [
  ["decodeGraphError (text)", (s) => decodeGraphError(JSON.stringify({ error: { code: 138006, message: s, error_data: { details: s } } }), { status: 401 })],
  ["decodeGraphError (object)", (s) => decodeGraphError({ error: { code: 138006, message: s, error_user_msg: s, fbtrace_id: s, access_token: s } }, { status: 401, headers: { "www-authenticate": s, "retry-after": s } })],
  ["decodeGraphError (raw body)", (s) => decodeGraphError(s, { status: 502 })],
  ["decodeCallingResponse (error)", (s) => decodeCallingResponse("connect", { status: 400, body: JSON.stringify({ error: { code: 131000, message: s } }), headers: { "x-business-use-case-usage": s } })],
  ["decodeCallingResponse (success)", (s) => decodeCallingResponse("connect", { status: 200, body: { messaging_product: "whatsapp", calls: [{ id: s }] } })],
  ["decodeWebhook", (s) => decodeWebhook({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "calls", value: { metadata: { phone_number_id: "1" }, calls: [{ id: "wacid.X", event: "terminate", status: "FAILED", note: s, session: { sdp_type: "offer", sdp: s } }], errors: [{ code: 131000, message: s, error_data: { details: s } }] } }] }] })],
  ["decodeWebhook (text)", (s) => decodeWebhook(JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: s, changes: [{ field: "calls", value: { calls: [{ id: "wacid.X", event: "connect", biz_opaque_callback_data: s }] } }] }] }))],
  ["decodeSipResponse", (s) => decodeSipResponse(`SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: ${s}\r\nReason: Q.850;cause=21;text="${s}"\r\n\r\n`)],
];

describe("very long strings through the decoders", () => {
  for (const [name, make] of longStrings) {
    it(`${name}: every decoder returns a bounded value`, { timeout: 180_000 }, async () => {
      const s = make();
      const failures: string[] = [];
      for (const [decoder, decode] of decoders) {
        const r = await settle(() => decode(s), 60_000);
        if (!r.ok) {
          failures.push(`${decoder}: ${r.why}`);
          continue;
        }
        const why = unprintable(r.value);
        if (why !== undefined) failures.push(`${decoder}: ${why}`);
        else if (JSON.stringify(r.value).length > 200_000) failures.push(`${decoder}: returned ${JSON.stringify(r.value).length} characters of JSON`);
      }
      expect(failures).toEqual([]);
    });
  }
});
