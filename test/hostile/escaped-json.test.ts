/**
 * JSON may write any character as `\uXXXX` (encoders escape `/`, `<`, `&` or all non-ASCII, and
 * hand-made JSON anything). A secret written that way must not survive where a decoder shows the
 * body's text itself (the `snippet` of a `MalformedResponse`): the escapes are read before
 * redaction, as `JSON.parse` reads them before the fields are redacted.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { decodeCallingResponse, decodeGraphError } from "wacall";
import { arbSecretForm, arbToken, type SecretForm } from "../../src/testing/arbitraries.js";
import { printed } from "./harness.js";

/** How much of the secret's text is written as `\uXXXX` escapes. */
const escapings = ["every character", "the first character", "every other character", "letters only"] as const;
type Escaping = (typeof escapings)[number];

const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** The text as the inside of a JSON string, with the chosen characters escaped as `\uXXXX`. */
function escaped(text: string, how: Escaping): string {
  return [...text]
    .map((c, i) => {
      const plain = JSON.stringify(c).slice(1, -1);
      if (c.length !== 1) return plain;
      if (how === "every character" || (how === "the first character" && i === 0) || (how === "every other character" && i % 2 === 0)) return u(c);
      if (how === "letters only" && /[A-Za-z]/.test(c)) return u(c);
      return plain;
    })
    .join("");
}

/** Bodies whose text a decoder shows: parsed without an error object, or not parsed at all. */
const bodies = (inside: string): readonly (readonly [string, string])[] => [
  ["no error object", `{"data":"${inside}"}`],
  ["success false", `{"success":false,"note":"${inside}"}`],
  ["error is a string", `{"error":"${inside}"}`],
  ["truncated JSON", `{"error":{"code":138006,"message":"${inside}`],
  ["an array", `["${inside}"]`],
];

const leaked = (value: unknown, needles: readonly string[]) => {
  const text = printed(value);
  return needles.filter((n) => text.includes(n));
};
const patternNeedles = (f: SecretForm) => (f.needsExactSecret ? [] : f.needles);

describe("a secret written with \\u escapes in a body's text", () => {
  it("the plain example: a token whose first letter is escaped", () => {
    const token = "EAAGm0PX4ZCpsBAKZAZBxlqn1qSVXz2ZBq";
    const body = `{"data":"\\u0045${token.slice(1)}"}`;
    expect(JSON.parse(body)).toEqual({ data: token });
    const e = decodeGraphError(body, { status: 400 });
    expect(e._tag).toBe("MalformedResponse");
    expect(printed(e)).not.toContain(token.slice(4));
  });

  it("escapes read to find a secret keep control, line-separator and bidi characters escaped: a snippet gains nothing a terminal interprets", () => {
    const body = String.raw`{"data":"\u0045AAGm0PX4ZCpsBAKZ red \u001b[31m tab \u0009 nul \u0000 ls \u2028 rlo \u202e c1 \u009b end \u0041"}`;
    const e = decodeGraphError(body, { status: 400 });
    if (e._tag !== "MalformedResponse") throw new Error(`expected MalformedResponse, got ${e._tag}`);
    expect(e.snippet).toBe(String.raw`{"data":"EAA[redacted] red \u001b[31m tab \t nul \u0000 ls \u2028 rlo \u202e c1 \u009b end A"}`);
    expect(e.snippet).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
  });

  it("a body whose escapes hide no secret is shown as written", () => {
    const body = String.raw`{"data":"caf\u00e9 \u001b[31m \u0041"}`;
    const e = decodeGraphError(body, { status: 400 });
    expect(e._tag === "MalformedResponse" && e.snippet).toBe(body);
  });

  test.prop([arbToken.chain((s) => fc.tuple(fc.constant(s), arbSecretForm(s), fc.constantFrom(...escapings)))], { numRuns: 200 })(
    "never reaches a decoded value, told or found by a pattern",
    ([secret, form, how]) => {
      for (const [shape, body] of bodies(escaped(form.text, how))) {
        const why = `${form.form} (${how}) in ${shape}`;
        expect(leaked(decodeGraphError(body, { status: 400, secrets: [secret] }), form.needles), why).toEqual([]);
        expect(leaked(decodeGraphError(body, { status: 400 }), patternNeedles(form)), why).toEqual([]);
        expect(leaked(decodeCallingResponse("connect", { status: 400, body }), patternNeedles(form)), why).toEqual([]);
        expect(leaked(decodeCallingResponse("terminate", { status: 200, body }), patternNeedles(form)), why).toEqual([]);
      }
    },
  );

  test.prop([arbToken.chain((s) => fc.tuple(fc.constant(s), arbSecretForm(s), fc.constantFrom(...escapings)))], { numRuns: 200 })(
    "inside a decoded field, escaped once more (JSON text held in a string), it is redacted too",
    ([secret, form, how]) => {
      const inner = escaped(form.text, how);
      for (const field of ["message", "error_user_msg", "fbtrace_id"] as const) {
        const body = JSON.stringify({ error: { code: 131000, [field]: inner, error_data: { details: inner } } });
        const why = `${form.form} (${how}) in ${field}`;
        expect(leaked(decodeGraphError(body, { status: 500, secrets: [secret] }), form.needles), why).toEqual([]);
        expect(leaked(decodeGraphError(body, { status: 500 }), patternNeedles(form)), why).toEqual([]);
        expect(leaked(decodeCallingResponse("connect", { status: 500, body }), patternNeedles(form)), why).toEqual([]);
      }
    },
  );

  it("a backslash an escape produced does not pair with the next escape's: \\u005c\\u006e is an escaped newline", () => {
    // `"access_token":\n"<tok>"` with every character escaped, held in a message.
    const token = "sFBHGzqjvc3AV99rU0lh6PJL7";
    const inner = escaped(`"access_token":\\n"${token}"`, "every character");
    const e = decodeGraphError(JSON.stringify({ error: { code: 131000, message: inner } }), { status: 500 });
    expect(printed(e)).not.toContain(token.slice(6));
  });

  it("a field whose escapes hide no secret is kept as Meta wrote it", () => {
    const e = decodeGraphError(JSON.stringify({ error: { code: 131000, message: String.raw`caf\u00e9 \u0041` } }), { status: 500 });
    expect(e.message).toBe(String.raw`caf\u00e9 \u0041`);
  });
});
