/**
 * Reading a request body with a byte limit enforced while reading: the stream is cancelled at the
 * first chunk past the limit, so an oversized body is never buffered.
 *
 * @module
 */

/** The default body limit: Meta documents webhook payloads of up to 3 MB; 3 MiB covers them with room. */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** What reading a body gave. */
export type BodyRead =
  | { readonly _tag: "Read"; readonly bytes: Uint8Array<ArrayBuffer> }
  | { readonly _tag: "TooLarge"; readonly received: number }
  | { readonly _tag: "Failed"; readonly cause: unknown };

/** A limit option as a usable number: positive and finite, otherwise the default. */
export function byteLimit(v: unknown): number {
  return typeof v === "number" && v > 0 && Number.isFinite(v) ? Math.floor(v) : DEFAULT_MAX_BODY_BYTES;
}

/** The declared `Content-Length` when it is a plain decimal number. */
export function declaredLength(header: string | null | undefined): number | undefined {
  if (typeof header !== "string") return undefined;
  // Plain digits (what clients send), read without a regex; anything else takes the regex.
  let plain = header.length > 0 && header.length <= 16;
  for (let i = 0; plain && i < header.length; i++) {
    const c = header.charCodeAt(i);
    plain = c >= 48 && c <= 57;
  }
  return plain || /^\s*\d{1,16}\s*$/.test(header) ? Number(header) : undefined;
}

/** Joins chunks into one buffer. */
export function concat(chunks: readonly Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Reads a Fetch body stream up to `limit` bytes; cancels it at the first byte past the limit. Never rejects. */
export async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<BodyRead> {
  if (body === null) return { _tag: "Read", bytes: new Uint8Array(0) };
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = body.getReader();
  } catch (cause) {
    return { _tag: "Failed", cause };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { _tag: "Read", bytes: concat(chunks, total) };
      if (!(value instanceof Uint8Array)) continue;
      total += value.byteLength;
      if (total > limit) {
        chunks.length = 0;
        reader.cancel().catch(() => undefined);
        return { _tag: "TooLarge", received: total };
      }
      chunks.push(value);
    }
  } catch (cause) {
    return { _tag: "Failed", cause };
  }
}
