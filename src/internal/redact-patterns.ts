/**
 * The redaction patterns for secrets nobody told us about (`EAA…` tokens, authorization scheme
 * values, credential parameters, app tokens `appid|secret`, SDP ICE credentials, passwords in a
 * URL's userinfo), with the
 * screens that let {@link redact} skip them on text none matches.
 *
 * @module
 */

/** What replaces a secret. */
export const REDACTED = "[redacted]";

// Each pattern is a literal prefix followed by single character-class runs: no nested or
// adjacent overlapping quantifiers, so matching is linear in the (already bounded) text.
const tokenChars = "[A-Za-z0-9._~+/=|:-]";
// Whitespace before a value: real whitespace, an escaped one (`\t`, also doubly escaped inside a
// JSON string held in a string), or a percent-encoded one.
const gap = "(?:\\s|\\\\+[trn]|%20|%09)";
// A quote, possibly escaped once or more.
const quote = "\\\\*[\"']";
// A URL's userinfo: `scheme://user:password@`, also with the slashes JSON-escaped (`:\/\/`, any
// number of backslashes) or the whole URL percent-encoded (`%3A%2F%2F`, `%3A`, `%40`). The match
// starts at the `://` (the scheme, whatever it is, stays outside it, so no position of ordinary
// text starts a scan) and each run is bounded (user 256, password 1024 characters or `%XX`
// escapes), so a text costs at most those bounds per `://` it holds.
const urlSep = "(?::\\\\*/\\\\*/|%3[aA]%2[fF]%2[fF])";
// The user's escapes leave out `%3A`, so the user ends at the first colon in either form and the
// only backtracking is the password giving back characters to its last `@` or `%40`: a plain
// password may hold `%40`, a percent-encoded one holds `%2540`. (An encoded colon in a plain
// user is taken for the separator: more is redacted, never less.)
const urlUser = '(?:[^\\s:@/?#\\\\"<>%]|%(?:[0-24-9A-Fa-f][0-9A-Fa-f]|3[0-9B-Fb-f])){0,256}';
const urlPassword = '(?:[^\\s@/?#\\\\"<>%]|%[0-9A-Fa-f]{2}){1,1024}';
const patterns: readonly (readonly [RegExp, string])[] = [
  // Meta user, system-user and page tokens.
  [/EAA[A-Za-z0-9]{8,}/g, `EAA${REDACTED}`],
  // Authorization scheme values, quoted or not. No word boundary before the scheme: an escaped
  // line break (`\nBearer`) would hide it.
  [new RegExp(`(Bearer|OAuth)(${gap}+)(${quote})[^"'\\\\]*`, "gi"), `$1$2$3${REDACTED}`],
  [new RegExp(`(Bearer|OAuth)(${gap}+)${tokenChars}{8,}`, "gi"), `$1$2${REDACTED}`],
  [new RegExp(`(Token|Basic)(${gap}+)(${quote})[^"'\\\\]*`, "g"), `$1$2$3${REDACTED}`],
  [new RegExp(`(Token|Basic)(${gap}+)${tokenChars}{8,}`, "g"), `$1$2${REDACTED}`],
  // Credential parameters: key=value, key="value", key%3Dvalue, "key":"value" (with any escaping
  // and whitespace around the colon), key:value.
  [
    new RegExp(
      `((?:access|refresh|client|app|id|session|auth|bearer)?[_-]?(?:token|secret)|appsecret_proof|password|passwd|api[_-]?key)` +
        `(\\s*=\\s*(?:${quote})?|%3[dD]|${quote}${gap}*:${gap}*(?:${quote})?|:(?=[^\\s]))([^\\s"'&,;\\\\]+)`,
      "gi",
    ),
    `$1$2${REDACTED}`,
  ],
  // A password in a URL's userinfo (scheme, user and host are kept).
  [new RegExp(`(${urlSep}${urlUser}(?::|%3[aA]))${urlPassword}(@|%40)`, "g"), `$1${REDACTED}$2`],
  // App access tokens: `<app id>|<app secret>` (the id is kept).
  [/(\b\d{6,20}(?:\||%7[cC]))[A-Za-z0-9_-]{16,}/g, `$1${REDACTED}`],
  // SDP ICE credentials, with or without a space after the colon.
  [/(a=ice-(?:pwd|ufrag)[ \t]*:[ \t]*)[^\s"'\\]+/gi, `$1${REDACTED}`],
];

// A necessary condition of every pattern, cheap to test: each pattern's match contains one of
// these (a scheme name is always followed by whitespace, a backslash or a percent sign).
export const quick =
  /EAA[A-Za-z0-9]{8}|(?:bearer|oauth|basic)[\s\\%]|token|secret|passw|api[_-]?key|\d{6}(?:\||%7c)|ice-(?:pwd|ufrag)/i;

// What comes after a credential keyword in every credential-parameter form (`= v`, `%3D`, a
// quote, possibly escaped, or `:` before a non-space), and after an authorization scheme.
const follows = `(?:[\\s=%\\\\"']|:(?=\\S))`;
const schemeGap = "[\\s\\\\%]";

/**
 * A necessary condition of every pattern, cheaper than {@link quick} because it starts on rarer
 * letters and asks for what must follow them. Each pattern's match contains one of:
 * - `ken` or `key` before {@link follows}: `token`, `Token`, `api_key` before their value;
 * - `cret`: `secret`, `appsecret_proof`;
 * - `word` or `wd` before {@link follows}: `password`, `passwd`;
 * - `bearer`, `basic` or `uth` (of `OAuth`) before whitespace, a backslash or `%`;
 * - `EAA`; `|` or `%` (app tokens `id|secret`, `id%7Csecret`, and every percent-encoded URL);
 *   `-p` or `-u` (`ice-pwd`, `ice-ufrag`);
 * - `://` (its slashes possibly escaped) then a `:` after a run of user characters: a password in
 *   a URL's userinfo (a user with a `%XX` escape is caught by `%`). The run stops at `/`, so each
 *   `://` is scanned once.
 * Letters are written as `[kK]` classes: the patterns' `i` flag (without `u`) folds an ASCII letter
 * only to its other case, which tests check for every UTF-16 code unit.
 */
const mayTriggerRe = new RegExp(
  [
    `[kK][eE][nNyY]${follows}`,
    "[cC][rR][eE][tT]",
    `[wW](?:[oO][rR])?[dD]${follows}`,
    `[bB](?:[eE][aA][rR][eE][rR]|[aA][sS][iI][cC])${schemeGap}`,
    `[uU][tT][hH]${schemeGap}`,
    "EAA",
    "[|%]",
    "-[pPuU]",
    `:\\\\*/\\\\*/[^\\s:@/?#\\\\"<>%]*:`,
    // A JSON \uXXXX escape, which may hide any of the above (see readEscapes).
    "\\\\u[0-9A-Fa-f]{4}",
  ].join("|"),
);

/**
 * Whether one of the patterns may match the text: `false` means none does (a necessary
 * condition of {@link triggered}, checked against it by property tests), `true` means unsure.
 * One pass of a regex without backtracking, about twice as fast as {@link quick}.
 *
 * @example
 * mayTrigger("(#100) Invalid parameter"); // false
 */
export function mayTrigger(text: string): boolean {
  return mayTriggerRe.test(text);
}

/**
 * The exact trigger set of the chain: one non-global regex per flag set, the alternation of the
 * sources of every pattern with those flags. A text neither matches cannot be changed by any
 * pattern (each `replace` leaves a text without a match as it is, so the next pattern sees the
 * same text), so skipping the chain then gives the same output. {@link mayTrigger} stays in
 * front as a cheaper necessary condition.
 */
const triggers: readonly RegExp[] = (() => {
  const byFlags = new Map<string, string[]>();
  for (const [re] of patterns) {
    const flags = re.flags.replace("g", "");
    byFlags.set(flags, [...(byFlags.get(flags) ?? []), `(?:${re.source})`]);
  }
  return [...byFlags].map(([flags, sources]) => new RegExp(sources.join("|"), flags));
})();

function rawTriggered(text: string): boolean {
  for (const t of triggers) if (t.test(text)) return true;
  return false;
}

/** Whether one of the patterns matches somewhere in the text, or in it with its `\uXXXX` escapes read. */
export function triggered(text: string): boolean {
  return rawTriggered(text) || (text.includes("\\u") && rawTriggered(readEscapes(text)));
}

/**
 * JSON's `\uXXXX` escapes read as the characters they stand for: `"\u0045AAG…"` is the token
 * `EAAG…` to every JSON reader, so the patterns must see it so too. Backslashes before a `u` are
 * read as JSON reads them (a pair is one backslash), and what that leaves is read again, up to
 * three levels: `\\u0020` (JSON text held in a JSON string) and `\u005cu0020` are a space too.
 * Control, line-separator and bidi characters stay escaped (tab, newline and return in their
 * short form, which the patterns read as whitespace), so a redacted text never gains what a
 * terminal or log viewer would interpret. Each level is one linear pass.
 *
 * @example
 * readEscapes("\\u0045AA"); // "EAA"
 */
export function readEscapes(text: string): string {
  let out = text;
  for (let level = 0; level < 3; level++) {
    const next = readLevel(out);
    if (next === out) break;
    out = next;
  }
  return out;
}

const hex4 = /^[0-9A-Fa-f]{4}$/;

function readLevel(text: string): string {
  let at = text.indexOf("\\u");
  if (at === -1) return text;
  let out = "";
  let from = 0;
  while (at !== -1) {
    // The run of backslashes that ends at this one, not before what was already copied. As a
    // JSON reader would: pairs are escaped backslashes, and an odd one left starts the escape.
    let start = at;
    while (start > from && text.charCodeAt(start - 1) === 0x5c) start--;
    const run = at - start + 1;
    const hex = text.slice(at + 2, at + 6);
    if (run % 2 === 0) {
      out += `${text.slice(from, start)}${"\\".repeat(run / 2)}u`;
      from = at + 2;
    } else if (hex4.test(hex)) {
      out += `${text.slice(from, start)}${"\\".repeat((run - 1) / 2)}${readEscape(text.slice(at, at + 6), hex)}`;
      from = at + 6;
    } else {
      out += text.slice(from, at + 2);
      from = at + 2;
    }
    at = text.indexOf("\\u", from);
  }
  return out + text.slice(from);
}

/** JSON's two-character escapes of the control characters that have one. */
const shortEscapes: Readonly<Record<number, string>> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };

function readEscape(escape: string, hex: string): string {
  const c = Number.parseInt(hex, 16);
  const unsafe = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
  return unsafe ? (shortEscapes[c] ?? escape) : String.fromCharCode(c);
}

/**
 * Every pattern's replacement in turn, with no screen in front: what {@link redact} gives a text
 * of at most {@link SCAN_LIMIT} characters without exact secrets, the reference its screens
 * ({@link mayTrigger}, {@link triggered}) are tested against.
 *
 * @example
 * applyEveryPattern("a=ice-pwd:abc"); // "a=ice-pwd:[redacted]"
 */
export function applyEveryPattern(text: string): string {
  const out = chain(text);
  if (!out.includes("\\u")) return out;
  // Escapes that hide a match: the text with them read, redacted; as written otherwise.
  const read = readEscapes(out);
  const again = chain(read);
  return again === read ? out : again;
}

function chain(text: string): string {
  let out = text;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}

/** The sources and flags of the patterns (for tests that generate text each one matches). */
export const patternSources: readonly (readonly [source: string, flags: string])[] = patterns.map(([re]) => [re.source, re.flags]);
