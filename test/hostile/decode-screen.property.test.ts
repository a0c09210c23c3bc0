/**
 * The decoder's fast paths give exactly what its slow paths give:
 * - the screen in front of the redaction patterns (`mayTrigger`) says "maybe" on every text a
 *   pattern matches, so skipping the patterns when it says "no" changes nothing: checked on text
 *   generated from each pattern itself, on text assembled from the pieces of every credential
 *   form (any case, any whitespace, escapes), and on each secret form of the test arbitraries;
 * - its letter classes (`[kK]`) are what the patterns' `i` flag matches, for every UTF-16 code unit;
 * - a JSON body decodes (one pass over the members, screened strings) to the value the guarded
 *   path for a caller's object gives for the same envelope, secrets told or not.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { decodeGraphError } from "wacall";
import { arbSecretForm, arbSecretPlacement, arbToken } from "wacall/testing/arbitraries";
import { applyEveryPattern, mayTrigger, patternSources, redact, triggered } from "../../src/internal/redact.js";

/** Flips the case of ASCII letters where `flips` says so (the patterns with `i` match either case). */
const withCases = (text: string, flips: readonly boolean[]) =>
  [...text].map((c, i) => (flips[i % Math.max(flips.length, 1)] ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join("");

/** The pieces credential forms are made of, and neighbours that look like them. */
const pieces = [
  "token", "Token", "TOKEN", "tokens", "ken", "key", "api_key", "api-key", "apikey", "secret", "cret", "appsecret_proof",
  "password", "passwd", "pwd", "word", "Bearer", "bearer", "OAuth", "oauth", "OAuthException", "Basic", "basic", "uth",
  "access_token", "client_secret", "EAA", "EAAabc12345678", "EA", "a=ice-pwd", "a=ice-ufrag", "ice-", "-", "|", "%", "%7C",
  "%7c", "%3D", "%20", "%09", "=", ":", ": ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\u3000", "\ufeff", "\\",
  "\\t", "\\n", "\\\\n", '"', '\\"', "'", "123456", "1234567890123", "12345", "abcdefgh12345678", "AbCdEf123GhIjK", ".", ",",
  "_", "x", "é", "\u212a", "\u017f", "(#190) ", "Error validating access token: ", "Session has expired",
  "https", "redis", "://", ":\\/\\/", "%3A%2F%2F", "%3a", "@", "%40", "/", "?", "#", "user", "pa55word",
];
const arbPieced = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((xs) => xs.join(""));
const arbMixed = fc.tuple(fc.oneof(arbPieced, fc.string(), fc.string({ unit: "binary" })), fc.array(fc.boolean(), { maxLength: 8 })).map(([s, flips]) => withCases(s, flips));

/**
 * A password in a URL's userinfo, in each form the URL pattern knows: plain (`redis://:p@h`),
 * slashes JSON-escaped once or twice (`https:\/\/u:p@h`), or percent-encoded (`%3A%2F%2F`,
 * `%3A`, `%40`, either case).
 */
const arbUrlCredential = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9+.-]{0,31}$/),
    // A user's own colon would be encoded `%3A`, which the pattern takes for the separator (more
    // is redacted, never less): users here have none, so what is kept is checked exactly.
    fc.string({ maxLength: 12 }).filter((u) => !u.includes(":")),
    fc.string({ minLength: 1, maxLength: 24 }),
    fc.constantFrom("host", "proxy.example:8080/x", "10.0.0.1:6379", "db/x?y=1"),
    fc.constantFrom("plain", "json", "json2", "percent", "percent-lower"),
  )
  .map(([scheme, rawUser, rawPassword, host, form]) => {
    const plain = `${scheme}://${encodeURIComponent(rawUser)}:${encodeURIComponent(rawPassword)}@${host}`;
    const lower = (t: string) => t.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    const text =
      form === "plain" ? plain
      : form === "json" ? plain.replaceAll("/", "\\/")
      : form === "json2" ? plain.replaceAll("/", "\\\\\\/")
      : form === "percent" ? encodeURIComponent(plain)
      : lower(encodeURIComponent(plain));
    const password = form.startsWith("percent") ? encodeURIComponent(encodeURIComponent(rawPassword)) : encodeURIComponent(rawPassword);
    const hostWritten = form.startsWith("percent") ? encodeURIComponent(host) : form === "json" || form === "json2" ? host.replaceAll("/", form === "json" ? "\\/" : "\\\\\\/") : host;
    const at = form.startsWith("percent") ? 3 : 1;
    const kept = text.slice(0, text.length - hostWritten.length - at - (form === "percent-lower" ? lower(password) : password).length);
    return { text, password: form === "percent-lower" ? lower(password) : password, kept };
  });

/** For generation only: a lookahead becomes the character it asks for, a word boundary a space before. */
const generable = (source: string) => source.replace(/\(\?=\[\^\\s\]\)/g, "[^\\s]").replace(/\\b/g, "");

describe("the screen in front of the redaction patterns", () => {
  for (const [i, [source, flags]] of patternSources.entries()) {
    const exact = new RegExp(source, flags.replace("g", ""));
    test.prop([fc.string({ maxLength: 8 }), fc.stringMatching(new RegExp(generable(source))), fc.string({ maxLength: 8 }), fc.array(fc.boolean(), { maxLength: 8 })], { numRuns: 200 })(
      `says maybe on every text pattern ${i} matches (/${source.slice(0, 40)}…/${flags})`,
      (before, match, after, flips) => {
        const text = `${before} ${flags.includes("i") ? withCases(match, flips) : match}${after}`;
        if (!exact.test(text)) return;
        expect(triggered(text)).toBe(true);
        expect(mayTrigger(text)).toBe(true);
      },
    );
  }

  test.prop([arbUrlCredential, fc.constantFrom("", " ", "(#100) ", 'proxy "', "next="), fc.constantFrom("", " ", '" refused', "&x=1")], { numRuns: 500 })(
    "says maybe on every password in a URL's userinfo, which the patterns remove (scheme, user and host kept)",
    ({ text, password, kept }, before, after) => {
      const full = `${before}${text}${after}`;
      expect(mayTrigger(full)).toBe(true);
      expect(triggered(full)).toBe(true);
      const out = redact(full);
      expect(out).toBe(applyEveryPattern(full));
      expect(out).toContain(`${kept}[redacted]`);
      if (password.length >= 4) expect(out).not.toContain(`${kept}${password}`);
    },
  );

  test.prop([arbMixed], { numRuns: 2000 })("is a necessary condition of the exact trigger, and redaction is the same with and without it", (text) => {
    if (triggered(text)) expect(mayTrigger(text)).toBe(true);
    if (!mayTrigger(text)) expect(applyEveryPattern(text)).toBe(text);
    expect(redact(text)).toBe(applyEveryPattern(text));
  });

  test.prop([arbToken.chain((t) => arbSecretForm(t)), fc.array(fc.boolean(), { maxLength: 8 })], { numRuns: 500 })(
    "says maybe on every credential form a pattern finds",
    (form, flips) => {
      for (const text of [form.text, withCases(form.text, flips)]) {
        if (triggered(text)) expect(mayTrigger(text)).toBe(true);
        expect(redact(text)).toBe(applyEveryPattern(text));
      }
    },
  );

  it("writes letters as the two cases the i flag folds them to, for every UTF-16 code unit", () => {
    for (const letter of "abcdefghijklmnopqrstuvwxyz") {
      const folded = new RegExp(letter, "i");
      const matching: string[] = [];
      for (let u = 0; u <= 0xffff; u++) {
        const c = String.fromCharCode(u);
        if (folded.test(c)) matching.push(c);
      }
      expect(matching.sort()).toEqual([letter.toUpperCase(), letter]);
    }
  });
});

describe("a JSON body decodes as its parsed envelope does", () => {
  const arbCase = arbToken.chain((secret) => fc.tuple(fc.constant(secret), arbSecretPlacement(secret), fc.boolean()));

  test.prop([arbCase], { numRuns: 300 })("with a secret in any field and form, told or not", ([secret, p, told]) => {
    const text = typeof p.body === "string" ? p.body : JSON.stringify(p.body);
    const ctx = { status: p.status, headers: p.headers, clock: () => 1_700_000_000_000, ...(told && { secrets: [secret] }) };
    expect(decodeGraphError(text, ctx)).toStrictEqual(decodeGraphError(JSON.parse(text), ctx));
  });

  const arbMember = fc.oneof(arbMixed, fc.jsonValue({ maxDepth: 3 }), fc.record({ details: arbMixed, messaging_product: fc.constant("whatsapp") }));
  const arbKey = fc.oneof(
    fc.constantFrom("message", "title", "code", "error_data", "error_subcode", "fbtrace_id", "is_transient", "error_user_title", "error_user_msg", "href", "type", "access_token", "Token", "__proto__", "ice_pwd"),
    arbMixed,
  );
  test.prop([fc.dictionary(arbKey, arbMember, { maxKeys: 10 }), fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.constantFrom(138006, 138012, "131000")), fc.constantFrom(undefined, ["s3cr3t-value"])], { numRuns: 500 })(
    "with any members, any keys and any strings",
    (members, code, secrets) => {
      const text = JSON.stringify({ error: { ...members, code } });
      const ctx = { status: 400, clock: () => 1_700_000_000_000, ...(secrets && { secrets }) };
      expect(decodeGraphError(text, ctx)).toStrictEqual(decodeGraphError(JSON.parse(text), ctx));
    },
  );
});
