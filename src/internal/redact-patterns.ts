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
// Whitespace as a JSON escape: the short forms (also doubly escaped inside a JSON string held in a
// string) and the whitespace that readEscapes keeps escaped (vertical tab, line and paragraph
// separators), which JSON reads as whitespace that `\s` matches.
const escapedSpace = "\\\\+(?:[trnf]|u000[bB]|u202[89])";
// Whitespace before a value: real, escaped, or percent-encoded.
const gap = `(?:\\s|${escapedSpace}|%20|%09)`;
// Whitespace around a credential parameter's `=`: real or escaped.
const space = `(?:\\s|${escapedSpace})`;
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
        `(${space}*=${space}*(?:${quote})?|%3[dD]|${quote}${gap}*:${gap}*(?:${quote})?|:(?=[^\\s]))([^\\s"'&,;\\\\]+)`,
      "gi",
    ),
    `$1$2${REDACTED}`,
  ],
  // A password in a URL's userinfo (scheme, user and host are kept).
  [new RegExp(`(${urlSep}${urlUser}(?::|%3[aA]))${urlPassword}(@|%40)`, "g"), `$1${REDACTED}$2`],
  // App access tokens: `<app id>|<app secret>` (the id is kept).
  [/(\b\d{6,20}(?:\||%7[cC]))[A-Za-z0-9_-]{16,}/g, `$1${REDACTED}`],
  // SDP ICE credentials, with or without a space or tab (possibly escaped) after the colon.
  [/(a=ice-(?:pwd|ufrag)(?:[ \t]|\\+t)*:(?:[ \t]|\\+t)*)[^\s"'\\]+/gi, `$1${REDACTED}`],
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
 * read as JSON reads them (a pair is one backslash), and what that leaves is read again, as often
 * as it takes: `\\u0020` (JSON text held in a JSON string), `\u005cu0020` and any deeper nesting
 * are a space too. Control, line-separator and bidi characters stay escaped, in lower case (tab,
 * newline, return, form feed and backspace in their short form), so a redacted text never gains
 * what a terminal or log viewer would interpret. One pass over the text with a stack of what it
 * has read: each character is pushed once and each escape read pops more than it pushes, so the
 * work is linear however deep the nesting.
 *
 * @example
 * readEscapes("\\u0045AA"); // "EAA"
 */
export function readEscapes(text: string): string {
  const first = text.indexOf("\\u");
  if (first === -1) return text;
  let start = first;
  while (start > 0 && text.charCodeAt(start - 1) === BACKSLASH) start--;
  // Reading never lengthens the text: each escape read pops more units than it pushes back.
  const units = new Uint16Array(text.length - start);
  const kept = new Uint8Array(text.length - start);
  let top = 0;
  for (let i = start; i < text.length; i++) {
    units[top] = text.charCodeAt(i);
    kept[top++] = 0;
    top = settle(units, kept, top);
  }
  return text.slice(0, start) + shown(units, kept, top);
}

const BACKSLASH = 0x5c;
/** Marks on the stack of {@link readEscapes}: a character of the text as given (0), one kept escaped, one an escape produced. */
const KEPT = 1;
const PRODUCED = 2;

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/**
 * Reads the escape at the top of the stack, if there is one, and again while what it read ends
 * another. A run of `r` backslashes before `uXXXX` is what `k` readings make of it: each halves an
 * even run and reads the escape after an odd one, so `(m - 1) / 2` backslashes are left before the
 * character, `m` the odd part of `r`. The characters kept escaped are never a backslash, `u` or a
 * hex digit, so they end every escape.
 */
function settle(units: Uint16Array, kept: Uint8Array, top: number): number {
  for (;;) {
    if (top < 6 || units[top - 5] !== 0x75 || units[top - 6] !== BACKSLASH) return top;
    let c = 0;
    for (let j = top - 4; j < top; j++) {
      const d = hexDigit(units[j] as number);
      if (d < 0) return top;
      c = c * 16 + d;
    }
    // The run counts the backslashes of the escape's own level: a backslash an escape produced
    // (`\u005c`) never pairs with a backslash of the text after it (`\u005c\u006e` is `\n`).
    const produced = kept[top - 6] === PRODUCED;
    let run = 1;
    while (top - 6 - run >= 0 && units[top - 6 - run] === BACKSLASH && (kept[top - 6 - run] === PRODUCED) === produced) run++;
    let odd = run;
    while (odd % 2 === 0) odd /= 2;
    top -= 5 + run;
    for (let k = 0; k < (odd - 1) / 2; k++) {
      units[top] = BACKSLASH;
      kept[top++] = PRODUCED;
    }
    units[top] = c;
    kept[top++] = keptEscaped(c) ? KEPT : PRODUCED;
  }
}

/** The stack as text: the characters kept escaped written as their escape. */
function shown(units: Uint16Array, kept: Uint8Array, top: number): string {
  let out = "";
  let from = 0;
  for (let i = 0; i <= top; i++) {
    if (i < top && kept[i] !== KEPT) continue;
    for (let j = from; j < i; j += 4096) out += String.fromCharCode(...units.subarray(j, Math.min(i, j + 4096)));
    if (i < top) out += escapeOf(units[i] as number);
    from = i + 1;
  }
  return out;
}

/** JSON's two-character escapes of the control characters that have one. */
const shortEscapes: Readonly<Record<number, string>> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };

/** Control, line-separator and bidi characters: what a read escape leaves escaped. */
function keptEscaped(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/** A character kept escaped as {@link readEscapes} writes it. */
function escapeOf(c: number): string {
  return shortEscapes[c] ?? `\\u${c.toString(16).padStart(4, "0")}`;
}

/**
 * JSON text of a string as {@link readEscapes} leaves it: what `JSON.stringify` writes, with the
 * characters it writes as they are but readEscapes keeps escaped (DEL, C1 controls, line and
 * paragraph separators, bidi controls) escaped too. A secret written with escapes is found in
 * this form.
 *
 * @example
 * readForm("a\u2028b"); // "a\\u2028b"
 */
export function readForm(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/[\u007f-\u009f\u2028-\u202e\u2066-\u2069]/g, (ch) => escapeOf(ch.charCodeAt(0)));
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
  return everyPattern(text).out;
}

/**
 * {@link applyEveryPattern}, saying whether escapes hid a match (then `out` is the text with its
 * escapes read, which can be much shorter than the text).
 */
export function everyPattern(text: string): { readonly out: string; readonly read: boolean } {
  const out = chain(text);
  if (!out.includes("\\u")) return { out, read: false };
  // Escapes that hide a match: the text with them read, redacted; as written otherwise.
  const read = readEscapes(out);
  const again = chain(read);
  return again === read ? { out, read: false } : { out: again, read: true };
}

function chain(text: string): string {
  let out = text;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}

/** The sources and flags of the patterns (for tests that generate text each one matches). */
export const patternSources: readonly (readonly [source: string, flags: string])[] = patterns.map(([re]) => [re.source, re.flags]);
