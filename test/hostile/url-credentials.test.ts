/**
 * A password written in a URL's userinfo (`redis://:pw@host`, `https://user:pw@proxy`), plain,
 * JSON-escaped or percent-encoded, never comes out of what the decoders and the webhook decoder
 * return, nor out of `redactDeep`, in `JSON.stringify` or `util.inspect`; the scheme, the user
 * and the host stay readable.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { decodeGraphError } from "wacall";
import { decodeWebhook } from "wacall/webhook";
import { redact, redactDeep } from "../../src/internal/redact.js";
import { delivery, terminateChange } from "../../src/testing/webhooks.js";

const password = "Pa55wordQ7xK2mZ9";

/** Each URL form, with what must stay readable around the password. */
const forms: readonly (readonly [name: string, text: string, kept: string])[] = [
  ["redis, no user", `redis://:${password}@cache.internal:6379`, "redis://:[redacted]@cache.internal:6379"],
  ["https proxy", `https://user:${password}@proxy.example:8080/x`, "https://user:[redacted]@proxy.example:8080/x"],
  ["amqp", `amqp://u:${password}@h`, "amqp://u:[redacted]@h"],
  ["percent-encoded", `https%3A%2F%2Fuser%3A${password}%40host`, "https%3A%2F%2Fuser%3A[redacted]%40host"],
  ["percent-encoded, lower case", `https%3a%2f%2fuser%3a${password}%40host`, "https%3a%2f%2fuser%3a[redacted]%40host"],
  ["JSON-escaped slashes", `https:\\/\\/user:${password}@host`, "https:\\/\\/user:[redacted]@host"],
  ["JSON-escaped twice", `https:\\\\\\/\\\\\\/user:${password}@host`, "https:\\\\\\/\\\\\\/user:[redacted]@host"],
];

const shows = (value: unknown) => [JSON.stringify(value) ?? "", inspect(value, { depth: 20 })];

const expectNoPassword = (value: unknown, name: string) => {
  for (const text of shows(value)) expect(text, name).not.toContain(password);
};

describe("a password in a URL's userinfo", () => {
  it("is replaced by the marker, scheme, user and host kept", () => {
    for (const [name, text, kept] of forms) expect(redact(`proxy ${text} refused`), name).toBe(`proxy ${kept} refused`);
  });

  it("never comes out of decodeGraphError: message, details, raw, as text or object", () => {
    for (const [name, text] of forms) {
      const envelope = { error: { code: 131000, message: `connect ${text} failed`, error_data: { details: text, proxy: text }, error_user_msg: text } };
      for (const body of [envelope, JSON.stringify(envelope)]) {
        const e = decodeGraphError(body, { status: 502 });
        expect(e.message, name).not.toContain(password);
        expect(e.details ?? "", name).not.toContain(password);
        expect(e.message, name).toContain("[redacted]");
        expectNoPassword(e, name);
        expectNoPassword(e.raw, name);
      }
      // Not JSON (a proxy's own page): what is kept of the text is redacted too.
      expectNoPassword(decodeGraphError(`<html>upstream ${text} unreachable</html>`, { status: 502 }), name);
    }
  });

  it("never comes out of a webhook call error's message", () => {
    for (const [name, text] of forms) {
      const body = delivery([
        terminateChange({
          callId: "wacid.B",
          from: "15551234567",
          to: "15550009999",
          direction: "USER_INITIATED",
          timestamp: Date.now(),
          status: "FAILED",
          errors: [{ code: 131000, title: text, message: `relay ${text} refused`, error_data: { details: text }, href: "https://developers.facebook.com/docs/" }],
        }),
      ]);
      for (const input of [body, JSON.stringify(body)]) {
        const decoded = decodeWebhook(input);
        expect(shows(decoded).join(""), name).toContain("[redacted]");
        expectNoPassword(decoded, name);
      }
    }
  });

  it("never comes out of redactDeep of an object", () => {
    for (const [name, text, kept] of forms) {
      const out = redactDeep({ url: text, nested: [{ note: `via ${text}` }], [text]: 1 });
      expectNoPassword(out, name);
      expect(JSON.stringify(out), name).toContain(JSON.stringify(kept).slice(1, -1));
    }
  });

  it("leaves a URL without a password as it is", () => {
    for (const text of ["https://graph.facebook.com/v23.0/me?fields=id", "https://host:8080/a@b", "redis://cache.internal:6379", "mailto:a@b", "ws://user@host/x"]) {
      expect(redact(text)).toBe(text);
    }
  });
});
