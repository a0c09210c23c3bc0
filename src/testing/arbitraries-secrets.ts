/**
 * fast-check generators that hide a known secret in every credential form a Graph error, a header
 * or an SDP can carry it in, and place it in every field of a Graph error envelope, as text, as a
 * parsed object and as bytes. A test then checks that the secret never comes out:
 * `needles.some((n) => JSON.stringify(value).includes(n))` must be false.
 *
 * @module
 */
import fc from "fast-check";

/** A secret written in one credential form, with text around it. */
export interface SecretForm {
  /** The form's name, e.g. `Bearer "<tok>"`. */
  readonly form: string;
  /** The text holding the secret. */
  readonly text: string;
  /**
   * What must never be printed: the secret as written in `text` (for `Basic`, its base64) and,
   * for long secrets, each half of it (so a redaction that cuts the secret short is caught).
   */
  readonly needles: readonly string[];
  /**
   * The form gives no hint that a secret is there (the secret echoed in prose): only a redactor
   * that was told the exact secret can remove it.
   */
  readonly needsExactSecret: boolean;
}

/** A base62 token (the alphabet of Meta's `EAA…` tokens), 16 to 64 characters, not starting with `EAA`. */
export const arbToken: fc.Arbitrary<string> = fc
  .string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), minLength: 16, maxLength: 64 })
  .filter((s) => !s.startsWith("EAA"));

/** Whitespace and escapes a form may carry between its keyword and its value. */
export const secretSeparators: readonly string[] = [" ", "  ", "\t", "\n", "\r\n", " \t ", "\\t", "\\n", "\\r\\n", "%20"];

function needlesOf(written: string): string[] {
  const needles = [written];
  if (written.length >= 16) needles.push(written.slice(0, Math.floor(written.length / 2)), written.slice(Math.ceil(written.length / 2)));
  return needles;
}

function base64(text: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * The secret in every credential form, with `sep` (see {@link secretSeparators}) between keyword
 * and value where the form has one.
 *
 * @example
 * for (const f of secretForms("s3cr3tT0kenValue12", "\t")) expect(redactor(f.text)).not.toContain("s3cr3tT0kenValue12");
 */
export function secretForms(secret: string, sep = " "): readonly SecretForm[] {
  const f = (form: string, text: string, written = secret, needsExactSecret = false): SecretForm => ({ form, text, needles: needlesOf(written), needsExactSecret });
  const eaa = secret.startsWith("EAA") ? secret : `EAA${secret}`;
  const basic = base64(`app:${secret}`);
  return [
    f("EAA…", eaa, eaa),
    f("Bearer <tok>", `Bearer${sep}${secret}`),
    f("bearer <tok>", `bearer${sep}${secret}`),
    f('Bearer "<tok>"', `Bearer${sep}"${secret}"`),
    f("OAuth <tok>", `OAuth${sep}${secret}`),
    f("Token <tok>", `Token${sep}${secret}`),
    f("Basic <base64>", `Basic${sep}${basic}`, basic),
    f("Authorization: Bearer <tok>", `Authorization:${sep}Bearer${sep}${secret}`),
    f("access_token=<tok>", `https://graph.facebook.com/v23.0/me?access_token=${secret}&fields=id`),
    f("access_token = <tok>", `access_token = ${secret}`),
    f("access_token%3D<tok>", `next=https%3A%2F%2Fexample.com%2F%3Faccess_token%3D${secret}%26x%3D1`),
    f('"access_token":"<tok>"', `{"access_token":"${secret}","token_type":"bearer"}`),
    f('"access_token": "<tok>"', `"access_token":${sep}"${secret}"`),
    f("client_secret=<tok>", `client_id=1234567890&client_secret=${secret}`),
    f("appid|secret", `123456789012345|${secret}`),
    f("a=ice-pwd:<pwd>", `v=0${sep}a=ice-ufrag:abcd${sep}a=ice-pwd:${secret}${sep}a=fingerprint:sha-256 00`),
    f("a=ice-pwd: <pwd>", `a=ice-pwd: ${secret}`),
    f("a=ice-ufrag:<u>", `a=ice-ufrag:${secret}${sep}a=ice-pwd:x`),
    f('WWW-Authenticate: Bearer realm="x", token="<tok>"', `WWW-Authenticate: Bearer realm="x", token="${secret}"`),
    f('Bearer realm="x", token="<tok>"', `Bearer realm="x",${sep}token="${secret}"`),
    f("scheme://user:<pwd>@host", `proxy https://app:${secret}@proxy.example:8080/x refused`),
    f("redis://:<pwd>@host", `redis://:${secret}@cache.internal:6379`),
    f("scheme%3A%2F%2Fuser%3A<pwd>%40host", `next=amqp%3A%2F%2Fapp%3A${secret}%40mq.internal%2Fvhost`),
    f("scheme:\\/\\/user:<pwd>@host", `{"url":"https:\\/\\/app:${secret}@proxy.example\\/x"}`),
    // JSON text may write any character as a \uXXXX escape (a field can hold JSON of its own).
    f("\\u0045AA…", `\\u0045AA${secret}`, secret),
    f("Bearer\\u0020<tok>", `Bearer\\u0020${secret}`),
    f('"\\u0061ccess_token":"<tok>"', `{"\\u0061ccess_token":"${secret}"}`),
    f("echoed in prose", `The value ${secret} was not accepted`, secret, true),
  ];
}

const contexts: readonly (readonly [string, string])[] = [
  ["", ""],
  ["(#190) ", "."],
  ["Error validating request: ", " (see logs)"],
  ['"', '"'],
  ["'", "',"],
  ["[", "];"],
  ["Authorization header was: ", "\r\n"],
];

/**
 * The secret in one of its credential forms ({@link secretForms}), with separators and surrounding
 * text drawn at random.
 *
 * @example
 * test.prop([arbToken.chain((t) => arbSecretForm(t))])("never leaks", (f) => {
 *   for (const n of f.needles) expect(JSON.stringify(decodeGraphError({ error: { code: 1, message: f.text } }))).not.toContain(n);
 * });
 */
export function arbSecretForm(secret: string): fc.Arbitrary<SecretForm> {
  return fc
    .tuple(fc.constantFrom(...secretSeparators), fc.nat(), fc.constantFrom(...contexts))
    .map(([sep, i, [before, after]]) => {
      const forms = secretForms(secret, sep);
      const form = forms[i % forms.length] ?? forms[0]!;
      return { ...form, text: `${before}${form.text}${after}` };
    });
}

/** Where {@link placeSecret} can put a secret in a Graph error response. */
export const secretFields = [
  "message",
  "details",
  "error_data string",
  "error_data JSON string",
  "error_user_msg",
  "error_user_title",
  "fbtrace_id",
  "type",
  "access_token",
  "token",
  "client_secret",
  "app_secret",
  "envelope access_token",
  "error_data access_token",
  "www-authenticate",
] as const;

/** One of {@link secretFields}. */
export type SecretField = (typeof secretFields)[number];

/** How the body reaches the decoder. */
export type BodyShape = "text" | "object" | "bytes";

/** A Graph error response with a secret planted in one field. */
export interface SecretPlacement extends SecretForm {
  readonly field: SecretField;
  readonly shape: BodyShape;
  /** JSON text, the parsed object, or the UTF-8 bytes of the text. */
  readonly body: unknown;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Puts a secret form in a field of a Graph error envelope. Under a credential key
 * (`access_token`, `token`, `client_secret`, `app_secret`, …) the bare secret is stored, as an
 * API would; the form's text goes in a neighbouring `message`.
 *
 * @example
 * const p = placeSecret(secretForms("s3cr3tT0kenValue12")[1]!, "s3cr3tT0kenValue12", "details", "bytes", 138006);
 * decodeGraphError(p.body, { status: p.status, headers: p.headers });
 */
export function placeSecret(form: SecretForm, secret: string, field: SecretField, shape: BodyShape, code = 131000, status = 400): SecretPlacement {
  const error: Record<string, unknown> = { message: `(#${code}) Something went wrong`, type: "OAuthException", code, fbtrace_id: "AbCdEf123" };
  const envelope: Record<string, unknown> = { error };
  let headers: Record<string, string> = {};
  const keyed = field === "access_token" || field === "token" || field === "client_secret" || field === "app_secret";
  switch (field) {
    case "details":
      error["error_data"] = { messaging_product: "whatsapp", details: form.text };
      break;
    case "error_data string":
      error["error_data"] = form.text;
      break;
    case "error_data JSON string":
      error["error_data"] = JSON.stringify({ details: form.text });
      break;
    case "envelope access_token":
      envelope["access_token"] = secret;
      error["message"] = form.text;
      break;
    case "error_data access_token":
      error["error_data"] = { details: "x", access_token: secret };
      break;
    case "www-authenticate":
      headers = { "www-authenticate": form.text };
      break;
    default:
      if (keyed) {
        error[field] = secret;
        error["message"] = form.text;
      } else error[field] = form.text;
  }
  const text = JSON.stringify(envelope);
  const body = shape === "text" ? text : shape === "bytes" ? new TextEncoder().encode(text) : envelope;
  const needles = keyed || field === "envelope access_token" || field === "error_data access_token" ? [...new Set([...form.needles, ...needlesOf(secret)])] : form.needles;
  return { ...form, needles, field, shape, body, status, headers };
}

/**
 * A Graph error response with the secret in a random form ({@link arbSecretForm}), field
 * ({@link secretFields}) and shape (text, object, bytes).
 *
 * @example
 * test.prop([arbSecretPlacement("s3cr3tT0kenValue12")])("no leak", (p) => {
 *   const e = decodeGraphError(p.body, { status: p.status, headers: p.headers, secrets: ["s3cr3tT0kenValue12"] });
 *   for (const n of p.needles) expect(JSON.stringify(e)).not.toContain(n);
 * });
 */
export function arbSecretPlacement(secret: string): fc.Arbitrary<SecretPlacement> {
  return fc
    .tuple(
      arbSecretForm(secret),
      fc.constantFrom(...secretFields),
      fc.constantFrom<BodyShape>("text", "object", "bytes"),
      fc.constantFrom(131000, 138006, 190, 100, 4, 138012, 999_999),
      fc.constantFrom(400, 401, 403, 429, 500),
    )
    .map(([form, field, shape, code, status]) => placeSecret(form, secret, field, shape, code, status));
}
