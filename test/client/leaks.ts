import { inspect } from "node:util";

/** Every string inside a value (keys included), however deep. */
function strings(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === "string") out.push(value);
  else if (value instanceof Date || depth > 20) return out;
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out, depth + 1);
    }
  }
  return out;
}

/** The forms a token can take in text; none may appear in anything the client returns. */
export function formsOf(token: string): string[] {
  return [token, encodeURIComponent(token), JSON.stringify(token).slice(1, -1), Buffer.from(token).toString("base64").replace(/=+$/, "")].filter((f) => f.length >= 8);
}

/**
 * The forms of the token found in a value: in any of its strings (exact), in its JSON text
 * (as JSON would escape them) and in its `util.inspect` text (forms inspect prints as they are).
 */
export function leaks(value: unknown, token: string): string[] {
  const json = JSON.stringify(value) ?? "";
  const shown = inspect(value, { depth: 20 });
  const all = strings(value);
  return formsOf(token).filter(
    (form) =>
      all.some((t) => t.includes(form)) ||
      json.includes(JSON.stringify(form).slice(1, -1)) ||
      (!/['"`\\]/.test(form) && shown.includes(form)),
  );
}
