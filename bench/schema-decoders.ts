/**
 * The same classification written with zod 4 and valibot, for comparison only: parse, validate
 * with a schema, then build the same wacall value with the same catalog lookup and redaction.
 */
import * as v from "valibot";
import { z } from "zod";
import { graphError, malformedResponse, unknownError, type ErrorFields, type GraphError } from "../src/index.js";
import { lookupCode } from "../src/internal/lookup.js";
import { redact, redactDeep, snippetOf } from "../src/internal/redact.js";

type Parsed = {
  code: number;
  message?: string | undefined;
  error_subcode?: number | undefined;
  error_data?: string | { details?: string | undefined } | undefined;
  is_transient?: boolean | undefined;
  error_user_title?: string | undefined;
  error_user_msg?: string | undefined;
  fbtrace_id?: string | undefined;
};

function build(e: Parsed, raw: unknown, status: number): GraphError {
  const details = typeof e.error_data === "string" ? e.error_data : e.error_data?.details;
  const fields: ErrorFields = {
    ...(e.message !== undefined && { message: redact(e.message) }),
    ...(details !== undefined && { details: redact(details) }),
    ...(e.error_subcode !== undefined && { subcode: e.error_subcode }),
    ...(e.fbtrace_id !== undefined && { fbtraceId: e.fbtrace_id }),
    httpStatus: status,
    ...(e.is_transient !== undefined && { isTransient: e.is_transient }),
    ...(e.error_user_title !== undefined && { userTitle: redact(e.error_user_title) }),
    ...(e.error_user_msg !== undefined && { userMessage: redact(e.error_user_msg) }),
    raw: redactDeep(raw),
  };
  const row = lookupCode(e.code, undefined);
  return row === undefined ? unknownError(e.code, fields) : graphError(row.tag, { ...fields, code: e.code });
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const zError = z.object({
  code: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]),
  message: z.string().optional(),
  error_subcode: z.number().optional(),
  error_data: z.union([z.string(), z.object({ details: z.string().optional() })]).optional(),
  is_transient: z.boolean().optional(),
  error_user_title: z.string().optional(),
  error_user_msg: z.string().optional(),
  fbtrace_id: z.string().optional(),
});
const zEnvelope = z.object({ error: zError });

export function decodeWithZod(text: string, status: number): GraphError {
  const p = parse(text);
  if (!p.ok) return malformedResponse("invalid-json", snippetOf(text, 256), { httpStatus: status });
  const r = zEnvelope.safeParse(p.value);
  if (!r.success) return malformedResponse("no-error-object", snippetOf(text, 256), { httpStatus: status });
  return build(r.data.error, (p.value as { error: unknown }).error, status);
}

const vError = v.object({
  code: v.union([v.pipe(v.number(), v.integer(), v.minValue(0)), v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))]),
  message: v.optional(v.string()),
  error_subcode: v.optional(v.number()),
  error_data: v.optional(v.union([v.string(), v.object({ details: v.optional(v.string()) })])),
  is_transient: v.optional(v.boolean()),
  error_user_title: v.optional(v.string()),
  error_user_msg: v.optional(v.string()),
  fbtrace_id: v.optional(v.string()),
});
const vEnvelope = v.object({ error: vError });

export function decodeWithValibot(text: string, status: number): GraphError {
  const p = parse(text);
  if (!p.ok) return malformedResponse("invalid-json", snippetOf(text, 256), { httpStatus: status });
  const r = v.safeParse(vEnvelope, p.value);
  if (!r.success) return malformedResponse("no-error-object", snippetOf(text, 256), { httpStatus: status });
  return build(r.output.error, (p.value as { error: unknown }).error, status);
}
