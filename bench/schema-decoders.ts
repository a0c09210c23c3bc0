/**
 * The same decoding written with zod 4 and valibot, for comparison only: parse, validate with a
 * schema, then hand the parsed value to wacall's own classification step (`classifyParsed`, the
 * builder `decodeGraphError` uses), so the values are the same and only the validation differs.
 * `validateWith*` is the validation alone (parse + schema), for the "validation only" row.
 */
import * as v from "valibot";
import { z } from "zod";
import { classifyParsed, malformed, type DecodeContext } from "../src/decode.js";
import type { GraphError } from "../src/index.js";

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

/** A body JSON.parse refused, classified by wacall's rules: empty, not JSON at all, or broken JSON. */
function refused(text: string, context: DecodeContext): GraphError {
  const start = text.search(/\S/);
  if (start === -1) return malformed("empty", text, context, text);
  const first = text[start];
  return malformed(first === "{" || first === "[" ? "invalid-json" : "not-json", text, context, text);
}

/** Parse + zod validation, nothing built: whether the body is a valid envelope. */
export function validateWithZod(text: string): boolean {
  const p = parse(text);
  return p.ok && zEnvelope.safeParse(p.value).success;
}

/** Parse + valibot validation, nothing built. */
export function validateWithValibot(text: string): boolean {
  const p = parse(text);
  return p.ok && v.safeParse(vEnvelope, p.value).success;
}

/** Parse, validate with zod, then the same classification as wacall. */
export function decodeWithZod(text: string, context: DecodeContext): GraphError {
  const p = parse(text);
  if (!p.ok) return refused(text, context);
  if (!zEnvelope.safeParse(p.value).success) return malformed("no-error-object", p.value, context, text);
  return classifyParsed(p.value, text, context);
}

/** Parse, validate with valibot, then the same classification as wacall. */
export function decodeWithValibot(text: string, context: DecodeContext): GraphError {
  const p = parse(text);
  if (!p.ok) return refused(text, context);
  if (!v.safeParse(vEnvelope, p.value).success) return malformed("no-error-object", p.value, context, text);
  return classifyParsed(p.value, text, context);
}
