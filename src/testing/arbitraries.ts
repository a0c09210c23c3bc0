/**
 * fast-check generators for wacall's inputs and values, shared by wacall's own property tests
 * and exported for yours from `wacall/testing/arbitraries` (needs `fast-check`, an optional peer dependency).
 *
 * @module
 */
import fc from "fast-check";
import { catalog, callingCodeRange, type CatalogEntry, type Operation } from "../catalog.js";
import { graphError, unknownError, type ErrorFields } from "../errors.js";
import type { CodedError } from "../encode.js";
import { catalogCodes } from "../internal/lookup.js";

/** A catalog code together with an operation under which it decodes to `tag`. */
export interface CodeCase {
  readonly code: number;
  readonly operation: Operation | undefined;
  readonly tag: CatalogEntry["tag"];
}

/** Every (code, operation) → tag case the catalog defines, including range members' bounds. */
export const catalogCases: readonly CodeCase[] = catalog.flatMap((row): CodeCase[] => {
  const cases: CodeCase[] = row.codes.map((rule) =>
    typeof rule === "number"
      ? { code: rule, operation: undefined, tag: row.tag }
      : { code: rule.code, operation: rule.when[0], tag: row.tag },
  );
  if ("range" in row) {
    cases.push({ code: row.range[0], operation: undefined, tag: row.tag });
    cases.push({ code: row.range[1], operation: undefined, tag: row.tag });
  }
  return cases;
});

/** One case of {@link catalogCases}; range rows also yield any code inside their range. */
export const arbCatalogCase: fc.Arbitrary<CodeCase> = fc.oneof(
  fc.constantFrom(...catalogCases),
  ...catalog.flatMap((row) =>
    "range" in row
      ? [fc.integer({ min: row.range[0], max: row.range[1] }).map((code): CodeCase => ({ code, operation: undefined, tag: row.tag }))]
      : [],
  ),
);

const known = new Set(catalogCodes());
const inRange = (code: number) =>
  catalog.some((row) => "range" in row && code >= row.range[0] && code <= row.range[1]);

/** A code the catalog does not know (in the calling range or anywhere else). */
export const arbUnknownCode: fc.Arbitrary<number> = fc
  .oneof(
    fc.integer({ min: callingCodeRange[0], max: callingCodeRange[1] }),
    fc.integer({ min: 0, max: 2_000_000 }),
    fc.constantFrom(138008, 138010, 138011, 138016),
  )
  .filter((c) => !known.has(c) && !inRange(c));

/** Text without anything that looks like a secret or a time (safe for identity laws). */
export const arbPlainText: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.,()#-_:!?é€"),
  maxLength: 60,
});

const arbFields: fc.Arbitrary<ErrorFields> = fc
  .record(
    {
      message: arbPlainText,
      details: arbPlainText,
      subcode: fc.integer({ min: 0, max: 9_999_999 }),
      fbtraceId: fc.string({ unit: fc.constantFrom(..."ABCDEFabcdef0123456789_"), minLength: 1, maxLength: 24 }),
      httpStatus: fc.constantFrom(400, 401, 403, 429, 500, 502, 503, 504),
      isTransient: fc.boolean(),
      userTitle: arbPlainText,
      userMessage: arbPlainText,
    },
    { requiredKeys: ["message"] },
  )
  .map((f) => ({ ...f, details: f.details === "" ? undefined : f.details }))
  .map(({ details, ...rest }) => (details === undefined ? rest : { ...rest, details }));

/** A decodable error value with the operation it should be decoded under. */
export interface ErrorCase {
  readonly error: CodedError;
  readonly operation: Operation | undefined;
}

/**
 * Generated error values (cataloged and unknown) with consistent metadata, for encode/decode laws.
 * `raw` is left undefined: it is what the decoder fills in from the payload.
 */
export const arbErrorCase: fc.Arbitrary<ErrorCase> = fc.oneof(
  fc.tuple(arbCatalogCase, arbFields).map(([c, f]): ErrorCase => ({
    error: graphError(c.tag, { ...f, code: c.code }),
    operation: c.operation,
  })),
  fc.tuple(arbUnknownCode, arbFields).map(([code, f]): ErrorCase => ({ error: unknownError(code, f), operation: undefined })),
);

/** A realistic Graph error envelope for a catalog code, in one of the shapes seen in the wild. */
export const arbErrorEnvelope: fc.Arbitrary<{ readonly body: unknown; readonly case: CodeCase }> = fc
  .tuple(
    arbCatalogCase,
    fc.boolean(), // code as numeric string
    fc.constantFrom("envelope", "bare", "webhook", "string-data", "json-string-data") ,
    arbPlainText,
  )
  .map(([c, asString, shape, details]) => {
    const code = asString ? String(c.code) : c.code;
    const message = `(#${c.code}) ${details}`;
    const body =
      shape === "envelope"
        ? { error: { message, type: "OAuthException", code, error_data: { messaging_product: "whatsapp", details }, fbtrace_id: "AbC123" } }
        : shape === "bare"
          ? { message, type: "OAuthException", code, fbtrace_id: "AbC123" }
          : shape === "webhook"
            ? { code, title: details, message, error_data: { details }, href: "/documentation/support/error-codes" }
            : shape === "string-data"
              ? { error: { message, code, error_data: details }, __fb_trace_id__: "X1" }
              : { error: { message, code, error_data: JSON.stringify({ details }) } };
    return { body, case: c };
  });

/** Things that look like secrets: access tokens, bearer values and ICE passwords. */
export const arbSecret: fc.Arbitrary<{ readonly secret: string; readonly text: string }> = fc.oneof(
  fc
    .string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), minLength: 20, maxLength: 200 })
    .map((s) => ({ secret: `EAA${s}`, text: `EAA${s}` })),
  fc
    .string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-._~+/"), minLength: 12, maxLength: 80 })
    .map((s) => ({ secret: `zz${s}`, text: `Authorization: Bearer zz${s}` })),
  fc
    .string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789+/"), minLength: 16, maxLength: 40 })
    .map((s) => ({ secret: `pw${s}`, text: `a=ice-pwd:pw${s}` })),
);

export { arbHostileClock, arbHostileHeaders, arbHostileSignal } from "./arbitraries-context.js";
export { thrower } from "./arbitraries-hostile-parts.js";
export {
  arbHostileValue,
  arbHostileValueWith,
  hostileCases,
  type HostileCase,
  type HostileSizes,
  type HostileValueOptions,
} from "./arbitraries-hostile.js";
export {
  arbSecretForm,
  arbSecretPlacement,
  arbToken,
  placeSecret,
  secretFields,
  secretForms,
  secretSeparators,
  type BodyShape,
  type SecretField,
  type SecretForm,
  type SecretPlacement,
} from "./arbitraries-secrets.js";
