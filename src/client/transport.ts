/**
 * One HTTP attempt of the client, made total: whatever `fetch`, the response, the signal or the
 * network do (throw, hang, redirect, answer too much), the attempt ends in one {@link Outcome}.
 * Nothing here throws and nothing the network says reaches an outcome unredacted.
 *
 * @module
 */
import type { HeadersLike } from "../retry.js";
import { redact, type Scrubber } from "../internal/redact.js";

/** What one attempt ended with. */
export type Outcome =
  | { readonly kind: "response"; readonly status: number; readonly text: string; readonly headers: HeadersLike }
  | { readonly kind: "redirect"; readonly status: number; readonly location: string | undefined }
  | { readonly kind: "too-large"; readonly status: number }
  | { readonly kind: "network"; readonly code: string | undefined; readonly notSent: boolean; readonly message: string }
  | { readonly kind: "not-a-response" }
  | { readonly kind: "timeout" }
  | { readonly kind: "aborted"; readonly reason: string | undefined }
  | { readonly kind: "unreadable"; readonly status: number };

/** A request ready to send: everything already checked and serialized. */
export interface Prepared {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** How long setTimeout can wait; longer values would fire at once. */
const MAX_TIMER = 2_147_483_647;
/** Longest text kept from a network error message, an abort reason or a `Location`. */
const TEXT_LIMIT = 1024;

// ── Signals ─────────────────────────────────────────────────────────────────────────────────

/** Whether the signal fired. A signal whose getters throw counts as not fired. */
export function isAborted(signal: AbortSignal | undefined): boolean {
  if (signal === undefined) return false;
  try {
    return signal.aborted === true;
  } catch {
    return false;
  }
}

/** The signal's reason as bounded, redacted text; `undefined` when it has none or is unreadable. */
export function reasonOf(signal: AbortSignal | undefined, scrub: Scrubber): string | undefined {
  if (signal === undefined) return undefined;
  try {
    const r: unknown = signal.reason;
    if (r === undefined) return undefined;
    let text: string;
    if (r instanceof Error) text = typeof r.message === "string" ? `${r.name}: ${r.message}` : r.name;
    else if (typeof r === "string") text = r;
    else text = typeof r === "object" && r !== null ? Object.prototype.toString.call(r) : String(r);
    return clean(text, scrub);
  } catch {
    return "[unreadable reason]";
  }
}

/** Listens for the signal's abort; returns the function that stops listening. Never throws. */
export function onAbort(signal: AbortSignal | undefined, listener: () => void): () => void {
  if (signal === undefined) return () => {};
  try {
    signal.addEventListener("abort", listener, { once: true });
  } catch {
    return () => {};
  }
  return () => {
    try {
      signal.removeEventListener("abort", listener);
    } catch {
      // A hostile signal: nothing to undo.
    }
  };
}

/** Sleeps, or stops early (returning false) when the signal fires. Never rejects. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (isAborted(signal)) return resolve(false);
    let stop = () => {};
    const timer = setTimeout(() => {
      stop();
      resolve(true);
    }, clampDelay(ms));
    stop = onAbort(signal, () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** A delay setTimeout can honour: finite, 0 to about 24.8 days. */
export function clampDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(MAX_TIMER, Math.max(0, ms)) : 0;
}

// ── Network errors ──────────────────────────────────────────────────────────────────────────

/**
 * Codes that prove the request never reached the server: the connection was refused or never
 * opened, or the host was never resolved. Node (undici and system codes: a refused connection is
 * `TypeError("fetch failed")` whose cause has `code: "ECONNREFUSED"`), Bun (1.4: the
 * `TypeError` itself has `code: "ECONNREFUSED"`; older versions `ConnectionRefused`,
 * `FailedToOpenSocket`, their DNS codes). test/runtimes runs a refused connection on each runtime.
 */
const notSentCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ConnectionRefused",
  "FailedToOpenSocket",
  "DNSLookupFailed",
  "DNS_ENOTFOUND",
  "DNS_EAI_AGAIN",
]);

/**
 * Messages that prove the same where a runtime gives no code: Deno's (a `TypeError("fetch failed")`
 * whose cause, an `Error` without a code, says
 * `error sending request for url (…): client error (Connect): tcp connect error: Connection refused (os error 111)`,
 * or `… dns error: failed to lookup address information …`), and `connect ECONNREFUSED …`,
 * `getaddrinfo ENOTFOUND …` from Node-like layers. Messages that prove nothing are not listed: the
 * request may have left. Deno's `Connection reset by peer` and `client error (SendRequest)` are
 * such. So is workerd's: it rejects every failed `fetch` with `Error("Network connection lost.")`,
 * a refused connection exactly as one reset after the request was sent (cloudflare/workerd#7195),
 * so on workerd a failed `connect` is `OutcomeUnknown`, and other operations are retried as
 * possibly sent. Alternatives of literals only: linear.
 */
const notSentMessage =
  /connection refused|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|dns error|failed to lookup address|name resolution|client error \(Connect\)|tcp connect error|error trying to connect|Unable to connect\. Is the computer able to access the url/i;

const codeShape = /^[A-Za-z0-9_]{1,64}$/;

function read(obj: unknown, key: string): unknown {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) return undefined;
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The error, its causes and, for an AggregateError, its first few members: at most 12 objects. */
function chain(e: unknown): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [e];
  while (queue.length > 0 && out.length < 12) {
    const cur = queue.shift();
    if (cur === null || cur === undefined || out.includes(cur)) continue;
    out.push(cur);
    queue.push(read(cur, "cause"));
    const members = read(cur, "errors");
    if (Array.isArray(members)) {
      try {
        queue.push(...members.slice(0, 4));
      } catch {
        // A hostile array: skip its members.
      }
    }
  }
  return out;
}

/**
 * Classifies what a `fetch` rejection says about the request: its code, whether it provably never
 * reached the server, and a redacted, bounded message. Never throws.
 */
export function classifyNetworkError(e: unknown, scrub: Scrubber): { code: string | undefined; notSent: boolean; message: string } {
  try {
    const links = chain(e);
    let code: string | undefined;
    const messages: string[] = [];
    let notSent = false;
    for (const link of links) {
      const c = read(link, "code");
      if (typeof c === "string" && codeShape.test(c)) {
        code ??= c;
        if (notSentCodes.has(c)) {
          code = c;
          notSent = true;
        }
      }
      const m = read(link, "message");
      if (typeof m === "string" && m !== "" && messages.length < 4) {
        const cut = m.slice(0, TEXT_LIMIT);
        messages.push(cut);
        if (notSentMessage.test(cut)) notSent = true;
      }
    }
    const text = messages.length > 0 ? messages.join(": ") : typeof e === "string" ? e : "fetch failed";
    return { code, notSent, message: clean(text, scrub) };
  } catch {
    return { code: undefined, notSent: false, message: "fetch failed" };
  }
}

/** Redacts (exact secrets first, then patterns) and bounds a text from the network. */
export function clean(text: string, scrub: Scrubber): string {
  const cut = text.length > TEXT_LIMIT * 4 ? text.slice(0, TEXT_LIMIT * 4) : text;
  const r = redact(cut, scrub);
  return r.length > TEXT_LIMIT ? `${r.slice(0, TEXT_LIMIT)}…[truncated]` : r;
}

// ── Responses ───────────────────────────────────────────────────────────────────────────────

/** Headers whose `get` can throw or return anything, made total; every value is redacted. */
function safeHeaders(headers: unknown, scrub: Scrubber): { get(name: string): string | null } {
  return {
    get(name: string): string | null {
      try {
        const get = read(headers, "get");
        const v: unknown = typeof get === "function" ? (get as (n: string) => unknown).call(headers, name) : read(headers, name.toLowerCase());
        return typeof v === "string" ? redact(v.slice(0, 16_384), scrub) : null;
      } catch {
        return null;
      }
    },
  };
}

function cancel(body: unknown): void {
  try {
    const c = read(body, "cancel");
    if (typeof c === "function") {
      const p: unknown = (c as () => unknown).call(body);
      if (p instanceof Promise) p.catch(() => {});
    }
  } catch {
    // Nothing more to release.
  }
}

type BodyRead = { readonly ok: true; readonly text: string } | { readonly ok: false };

/**
 * Reads a body as UTF-8 text, stopping at `limit` bytes: past it, the rest is cancelled and the
 * read is refused. A body that is not a stream (a non-standard fetch) is read with `text()` and
 * checked after the fact. Rejects only when the stream fails (the caller classifies that).
 */
async function readBody(res: unknown, limit: number, declared: number | undefined): Promise<BodyRead> {
  const body = read(res, "body");
  if (declared !== undefined && declared > limit) {
    cancel(body);
    return { ok: false };
  }
  const getReader = read(body, "getReader");
  if (typeof getReader !== "function") {
    if (body !== null && body !== undefined) cancel(body);
    const text = read(res, "text");
    if (body === null || typeof text !== "function") return { ok: true, text: "" };
    const t: unknown = await (text as () => unknown).call(res);
    if (typeof t !== "string") return { ok: true, text: "" };
    return t.length > limit ? { ok: false } : { ok: true, text: t };
  }
  const reader = (getReader as () => ReadableStreamDefaultReader<unknown>).call(body);
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = value instanceof Uint8Array ? value : typeof value === "string" ? new TextEncoder().encode(value) : new Uint8Array(0);
    received += chunk.byteLength;
    if (received > limit) {
      try {
        reader.cancel().catch(() => {});
      } catch {
        // Already released.
      }
      return { ok: false };
    }
    parts.push(decoder.decode(chunk, { stream: true }));
  }
  parts.push(decoder.decode());
  return { ok: true, text: parts.join("") };
}

function statusOf(res: unknown): number | undefined {
  const s = read(res, "status");
  return typeof s === "number" && Number.isInteger(s) && s >= 0 && s <= 999 ? s : undefined;
}

/** What an attempt needs to know besides the request. */
export interface AttemptContext {
  readonly fetch: (url: string, init: RequestInit) => unknown;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly scrub: Scrubber;
  readonly signal: AbortSignal | undefined;
  /** Called once the request is handed to `fetch`. */
  readonly onSend: () => void;
}

/**
 * Sends one request and reads its answer within the timeout. Redirects are not followed
 * (`redirect: "manual"`); a 3xx or an opaque redirect is its own outcome. Never rejects.
 */
export async function attempt(req: Prepared, ctx: AttemptContext): Promise<Outcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort("timeout");
  }, clampDelay(ctx.timeoutMs));
  const stop = onAbort(ctx.signal, () => controller.abort("aborted"));
  let status: number | undefined;
  try {
    if (isAborted(ctx.signal)) return { kind: "aborted", reason: reasonOf(ctx.signal, ctx.scrub) };
    const init: RequestInit = {
      method: req.method,
      headers: { ...req.headers },
      redirect: "manual",
      signal: controller.signal,
      ...(req.body !== undefined && { body: req.body }),
    };
    ctx.onSend();
    const res: unknown = await ctx.fetch(req.url, init);
    status = statusOf(res);
    if (status === undefined) return { kind: "not-a-response" };
    const headers = safeHeaders(read(res, "headers"), ctx.scrub);
    if (read(res, "type") === "opaqueredirect" || (status >= 300 && status < 400) || status === 0) {
      cancel(read(res, "body"));
      const location = headers.get("location");
      return { kind: "redirect", status, location: location === null ? undefined : clean(location, ctx.scrub) };
    }
    const length = headers.get("content-length");
    const declared = length !== null && /^\d{1,15}$/.test(length.trim()) ? Number(length.trim()) : undefined;
    const body = await readBody(res, ctx.maxResponseBytes, declared);
    if (!body.ok) {
      controller.abort("too-large");
      return { kind: "too-large", status };
    }
    return { kind: "response", status, text: body.text, headers };
  } catch (e) {
    if (isAborted(ctx.signal)) return { kind: "aborted", reason: reasonOf(ctx.signal, ctx.scrub) };
    if (timedOut) return { kind: "timeout" };
    if (status !== undefined) return { kind: "unreadable", status };
    return { kind: "network", ...classifyNetworkError(e, ctx.scrub) };
  } finally {
    clearTimeout(timer);
    stop();
  }
}
