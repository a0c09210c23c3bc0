/**
 * Secrets written with JSON `\uXXXX` escapes in ways the escape reading once missed: whitespace
 * kept escaped (form feed, vertical tab, line and paragraph separators) before a credential,
 * escapes nested deeper than a fixed number of levels, told secrets holding characters that stay
 * escaped, and escapes that shorten a text so much that the cut of a snippet or of the scanned
 * text comes into view.
 */
import { describe, expect, it } from "vitest";
import { decodeCallingResponse, decodeGraphError } from "wacall";
import { decodeWebhook } from "wacall/webhook";
import { readEscapes, redactField, snippetOf } from "../../src/internal/redact.js";
import { printed } from "./harness.js";

const token = "EAAGm0PX4ZCpsBAKZAZBxlqn1qSVXz2ZBq";
const value = "q7Lw2xZr9KpT4mNb";

/** Every decoder that shows the string: a Graph error's fields, a call response, a webhook event. */
function outputs(inside: string, secrets: readonly string[] = []): readonly (readonly [string, unknown])[] {
  const graph = JSON.stringify({ error: { code: 131000, message: inside, error_data: { details: inside } } });
  const now = String(Math.floor(Date.now() / 1000));
  const delivery = {
    object: "whatsapp_business_account",
    entry: [{ id: "102290129340398", changes: [{ field: "calls", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550009999", phone_number_id: "1234567890" }, calls: [{ id: "wacid.A", from: "15551234567", to: "15550009999", event: "connect", direction: "USER_INITIATED", timestamp: now, note: inside }], errors: [{ code: 131000, title: inside, message: inside }] } }] }],
  };
  return [
    ["decodeGraphError", decodeGraphError(graph, { status: 500, secrets })],
    ["decodeGraphError snippet", decodeGraphError(`{"data":${JSON.stringify(inside)}}`, { status: 400, secrets })],
    ["decodeCallingResponse", decodeCallingResponse("connect", { status: 500, body: graph }, { secrets })],
    ["decodeWebhook", decodeWebhook(delivery, { secrets })],
    ["decodeWebhook text", decodeWebhook(JSON.stringify(delivery), { secrets })],
  ];
}

function leaks(inside: string, needle: string, secrets: readonly string[] = []): string[] {
  return outputs(inside, secrets)
    .filter(([, v]) => printed(v).includes(needle))
    .map(([name]) => name);
}

describe("whitespace that stays escaped still separates a credential from its name", () => {
  const gaps = ["\\u000c", "\\u000C", "\\u000b", "\\u000B", "\\u2028", "\\u2029"];
  it.each(gaps)("Bearer, Token, OAuth, Basic and access_token= with %s", (gap) => {
    for (const scheme of ["Bearer", "OAuth", "Token", "Basic"]) expect(leaks(`${scheme}${gap}${value}`, value), scheme).toEqual([]);
    expect(leaks(`access_token=${gap}${value}`, value)).toEqual([]);
    expect(leaks(`"access_token":${gap}"${value}"`, value)).toEqual([]);
  });

  it("an escaped tab after a=ice-pwd: (the real tab is redacted)", () => {
    expect(leaks(`v=0\r\na=ice-pwd:\\u0009${value}\r\n`, value)).toEqual([]);
    expect(leaks(`v=0\r\na=ice-pwd:\\t${value}\r\n`, value)).toEqual([]);
  });
});

describe("a told secret holding characters that stay escaped", () => {
  it.each([
    ["a vertical tab, escaped in upper case", "ab\u000bcd9x", "ab\\u000Bcd9x"],
    ["a line separator", "ab\u2028cd9x", "ab\\u2028cd9x"],
    ["a C1 control", "ab\u0085cd9x", "ab\\u0085cd9x"],
    ["a bidi override", "ab\u202ecd9x", "ab\\u202Ecd9x"],
    ["DEL", "ab\u007fcd9x", "ab\\u007fcd9x"],
  ])("%s", (_, secret, written) => {
    expect(leaks(`secret is ${written} here`, "cd9x", [secret])).toEqual([]);
  });
});

describe("escapes nested deeper than three levels", () => {
  const deep = (levels: number, escape: string): string => {
    let s = escape;
    for (let i = 0; i < levels; i++) s = `\\u005c${s.slice(1)}`;
    return s;
  };

  it.each([4, 5, 12, 200])("a token whose first letter is escaped through %i levels", (levels) => {
    const inside = `${deep(levels - 1, "\\u0045")}${token.slice(1)}`;
    expect(readEscapes(inside)).toBe(token);
    expect(leaks(inside, token.slice(4))).toEqual([]);
    // Escapes as deep that hide nothing are kept as written.
    const harmless = `${deep(levels - 1, "\\u0041")} caf\\u00e9`;
    expect(redactField(harmless)).toBe(harmless);
  });

  it.each([8, 16, 64])("a token after a run of %i backslashes", (run) => {
    const inside = `${"\\".repeat(run)}u0045${token.slice(1)}`;
    expect(leaks(inside, token.slice(4))).toEqual([]);
  });

  it("Bearer with its space escaped through four levels", () => {
    expect(leaks(`Bearer${deep(3, "\\u0020")}${value}`, value)).toEqual([]);
  });
});

describe("escapes that shorten a text never bring its cut into view", () => {
  const other = "EAAB9zQwertyUIOP1234567890asdfghJK";
  const appToken = "123456789012345|0a1b2c3d4e5f60718293a4b5c6d7e8f9";

  it.each([
    ["a token", other, other.slice(0, 8)],
    ["an app token", appToken, "0a1b2c3d"],
  ])("a snippet whose escapes hid a secret shows nothing of %s cut at the edge of what was scanned", (_, secret, needle) => {
    const head = `{"data":"\\u0045${token.slice(1)} ${"\\u0020".repeat(100)}`;
    for (let at = 700; at < 800; at += 3) {
      const body = `${head}${"x".repeat(at - head.length)} ${secret}"}`;
      expect(snippetOf(body, 256), `at ${at}`).not.toContain(needle);
      expect(printed(decodeGraphError(body, { status: 400 })), `at ${at}`).not.toContain(needle);
    }
  });

  it("a field whose escapes hid a secret shows nothing of a token cut where scanning stops", () => {
    const head = `\\u0045${token.slice(1)} ${"\\u005cu005cu0020".repeat(4_000)}`;
    for (let at = 65_536 - 34; at < 65_536 - 1; at += 3) {
      const inside = `${head}${"x".repeat(at - head.length)} ${other} tail`;
      const out = redactField(inside);
      expect(out, `at ${at}`).not.toContain(other.slice(0, 8));
      expect(out).toContain("[truncated");
    }
  });
});
