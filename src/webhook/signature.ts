/**
 * Webhook authenticity: `X-Hub-Signature-256` verification over the raw body bytes, and the
 * subscription handshake.
 *
 * @module
 */
import { err, errAsync, ok, ResultAsync, type Result } from "neverthrow";
import { guard } from "../internal/guard.js";

/** Why a signature did not verify. */
export type SignatureError =
  | { readonly _tag: "MissingSignature"; readonly message: string }
  | { readonly _tag: "MalformedSignature"; readonly message: string }
  | { readonly _tag: "UnsupportedAlgorithm"; readonly algorithm: string; readonly message: string }
  | { readonly _tag: "SignatureMismatch"; readonly message: string }
  | { readonly _tag: "BodyNotRaw"; readonly message: string }
  | { readonly _tag: "NoSecretConfigured"; readonly message: string };

/** The raw body as received: text or bytes, never a parsed object. */
export type RawBody = string | Uint8Array | ArrayBuffer;

const encoder = new TextEncoder();

type Bytes = Uint8Array<ArrayBuffer>;

function toBytes(body: RawBody): Bytes {
  if (typeof body === "string") return encoder.encode(body);
  // A copy, so a view on a shared buffer is hashed as it is now.
  return body instanceof Uint8Array ? new Uint8Array(body) : new Uint8Array(body.slice(0));
}

/** The value of one hex digit's character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1; // a-f, A-F
}

/** The bytes of `length` hex digits of `text` from `at`, or `undefined` when one is not a hex digit. */
function hexToBytes(text: string, at: number, length: number): Bytes | undefined {
  const out = new Uint8Array(length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(text.charCodeAt(at + i * 2));
    const lo = hexDigit(text.charCodeAt(at + i * 2 + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Parses `sha256=<64 hex digits>`. */
export function parseSignatureHeader(header: string | null | undefined): Result<Bytes, SignatureError> {
  // The form Meta sends, read without a regex; anything else takes the general path below.
  if (typeof header === "string" && header.length === 71 && header.startsWith("sha256=")) {
    const digest = hexToBytes(header, 7, 64);
    if (digest !== undefined) return ok(digest);
  }
  if (typeof header !== "string" || header.trim() === "") {
    return err({ _tag: "MissingSignature", message: "The X-Hub-Signature-256 header is missing" });
  }
  const m = /^\s*([A-Za-z0-9-]+)=([^\s]*)\s*$/.exec(header);
  if (m === null) return err({ _tag: "MalformedSignature", message: "Expected sha256=<hex digest>" });
  const algorithm = (m[1] ?? "").toLowerCase();
  const digest = m[2] ?? "";
  if (algorithm !== "sha256") {
    return err({ _tag: "UnsupportedAlgorithm", algorithm: algorithm.slice(0, 16), message: "Only sha256 signatures are accepted" });
  }
  if (!/^[0-9a-fA-F]{64}$/.test(digest)) return err({ _tag: "MalformedSignature", message: "The sha256 digest is not 64 hex digits" });
  return ok(hexToBytes(digest, 0, 64) ?? new Uint8Array(32));
}

function isRaw(body: unknown): body is RawBody {
  return typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

/** Imported HMAC keys by secret: importing costs more than hashing a small body. */
const keys = new Map<string, Promise<CryptoKey>>();
/** Secrets whose key is kept; beyond it the cache starts over (a rotation adds one or two). */
const MAX_CACHED_KEYS = 16;

function hmacKey(secret: string): Promise<CryptoKey> {
  const cached = keys.get(secret);
  if (cached !== undefined) return cached;
  if (keys.size >= MAX_CACHED_KEYS) keys.clear();
  const key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  keys.set(secret, key);
  // A failed import is not kept: the next call tries again.
  key.catch(() => {
    if (keys.get(secret) === key) keys.delete(secret);
  });
  return key;
}

async function matches(secret: string, body: Bytes, signature: Bytes): Promise<boolean> {
  const key = await hmacKey(secret);
  // subtle.verify compares in constant time.
  return crypto.subtle.verify("HMAC", key, signature, body);
}

/** The part of `node:crypto` used when the runtime has it (Node, Bun, Deno): synchronous, no thread hop. */
export interface NodeCrypto {
  createHmac(algorithm: "sha256", key: string | NodeKey): { update(data: Uint8Array): { digest(): Uint8Array } };
  createHash(algorithm: "sha256"): { update(data: string, encoding: "utf8"): { digest(encoding: "hex"): string } };
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  /** A key object made once per secret (HMAC with a string key prepares the key on every call). */
  createSecretKey?(key: Uint8Array): NodeKey;
  /** One-shot digest (Node ≥ 20.12): no Hash object per call. */
  hash?(algorithm: "sha256", data: string, encoding: "hex"): string;
}

/** An opaque `node:crypto` `KeyObject`. */
export interface NodeKey {
  readonly type: string;
}

let nodeCryptoModule: NodeCrypto | null | undefined;

/**
 * `node:crypto` through `process.getBuiltinModule` (no static import, so nothing here needs Node
 * types or a bundler shim), or `undefined` where the runtime has none (Workers, browsers): callers
 * then use Web Crypto. Looked up once.
 */
export function nodeCrypto(): NodeCrypto | undefined {
  if (nodeCryptoModule !== undefined) return nodeCryptoModule ?? undefined;
  nodeCryptoModule = guard(() => {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const m = typeof proc?.getBuiltinModule === "function" ? (proc.getBuiltinModule("node:crypto") as Partial<NodeCrypto> | undefined) : undefined;
    return m !== undefined && typeof m.createHmac === "function" && typeof m.createHash === "function" && typeof m.timingSafeEqual === "function" ? (m as NodeCrypto) : null;
  }, () => null);
  return nodeCryptoModule ?? undefined;
}

/** `node:crypto` key objects by secret, like {@link keys} for Web Crypto. */
const nodeKeys = new Map<string, NodeKey | string>();

/** The secret's key object (keyed by its UTF-8 bytes, as a string key is), or the secret itself where there is no `createSecretKey`. */
function nodeKey(c: NodeCrypto, secret: string): NodeKey | string {
  const cached = nodeKeys.get(secret);
  if (cached !== undefined) return cached;
  if (nodeKeys.size >= MAX_CACHED_KEYS) nodeKeys.clear();
  const key = typeof c.createSecretKey === "function" ? c.createSecretKey(encoder.encode(secret)) : secret;
  nodeKeys.set(secret, key);
  return key;
}

/**
 * Whether any secret's HMAC-SHA256 of `body` equals `signature` (32 bytes), with `node:crypto`
 * (keyed by the secret's UTF-8 bytes, as Web Crypto's import, compared in constant time);
 * `undefined` when `node:crypto` is not there. May throw: call inside a guard.
 */
export function matchesNow(secrets: readonly string[], body: Uint8Array, signature: Uint8Array): boolean | undefined {
  const c = nodeCrypto();
  if (c === undefined) return undefined;
  for (const secret of secrets) {
    const mac = c.createHmac("sha256", nodeKey(c, secret)).update(body).digest();
    if (mac.byteLength === signature.byteLength && c.timingSafeEqual(mac, signature)) return true;
  }
  return false;
}

const mismatch: SignatureError = Object.freeze({
  _tag: "SignatureMismatch",
  message:
    "The signature does not match the body: check the app secret (App settings › Basic, no surrounding whitespace), and that the handler gets the bytes as received, not re-serialized JSON.",
});
const noSecretMessage = "No app secret is configured: pass the app secret (App settings › Basic), or a list of them during a rotation.";
const unchecked: SignatureError = Object.freeze({ _tag: "SignatureMismatch", message: "The signature could not be checked" });

/**
 * Checks a signature header against bytes the caller owns (no defensive copy) and secrets already
 * filtered to non-empty strings: synchronously with `node:crypto` when the runtime has it, else
 * with Web Crypto. Never throws or rejects.
 */
export function verifyOwnedBytes(body: Bytes, signatureHeader: string | null | undefined, secrets: readonly string[]): Result<void, SignatureError> | Promise<Result<void, SignatureError>> {
  if (secrets.length === 0) return err({ _tag: "NoSecretConfigured", message: noSecretMessage });
  const parsed = parseSignatureHeader(signatureHeader);
  if (parsed.isErr()) return err(parsed.error);
  const now = guard(() => matchesNow(secrets, body, parsed.value), () => undefined);
  if (now !== undefined) return now ? ok(undefined) : err(mismatch);
  const check = async (): Promise<Result<void, SignatureError>> => {
    for (const secret of secrets) if (await matches(secret, body, parsed.value)) return ok(undefined);
    return err(mismatch);
  };
  return check().catch(() => err<void, SignatureError>(unchecked));
}

/**
 * Verifies Meta's `X-Hub-Signature-256` (HMAC-SHA256 of the raw body bytes with the app secret).
 * Give several secrets during a rotation: any one matching is enough. Hash the bytes exactly as
 * received: re-serialized JSON does not verify.
 *
 * @example
 * const raw = await request.text();
 * const verified = await verifySignature(raw, request.headers.get("x-hub-signature-256"), process.env.APP_SECRET!);
 * if (verified.isErr()) return new Response(null, { status: 401 });
 */
export function verifySignature(
  rawBody: unknown,
  signatureHeader: string | null | undefined,
  appSecret: string | readonly string[],
): ResultAsync<void, SignatureError> {
  const secrets = guard(
    () => (typeof appSecret === "string" ? [appSecret] : Array.isArray(appSecret) ? (appSecret as readonly unknown[]) : []).filter((s): s is string => typeof s === "string" && s !== ""),
    () => [],
  );
  if (secrets.length === 0) return errAsync<void, SignatureError>({ _tag: "NoSecretConfigured", message: noSecretMessage });
  if (!guard(() => isRaw(rawBody), () => false)) {
    const e: SignatureError = { _tag: "BodyNotRaw", message: "Pass the raw body (string or bytes) as received, not a parsed object" };
    return errAsync<void, SignatureError>(e);
  }
  const parsed = parseSignatureHeader(signatureHeader);
  if (parsed.isErr()) return errAsync<void, SignatureError>(parsed.error);
  const bytes = guard(() => toBytes(rawBody as RawBody), () => undefined);
  if (bytes === undefined) return errAsync<void, SignatureError>(unchecked);
  return new ResultAsync(Promise.resolve(verifyOwnedBytes(bytes, signatureHeader, secrets)));
}

/**
 * Computes the `X-Hub-Signature-256` header value for a body (for tests and fake senders).
 * Resolves to `""` (which never verifies) when the body is not text or bytes or the secret is
 * not a non-empty string; never rejects.
 *
 * @example
 * await signBody('{"object":"whatsapp_business_account"}', "secret"); // "sha256=…"
 */
export async function signBody(rawBody: RawBody, appSecret: string): Promise<string> {
  try {
    if (typeof appSecret !== "string" || appSecret === "" || !isRaw(rawBody)) return "";
    const key = await hmacKey(appSecret);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, toBytes(rawBody)));
    return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  } catch {
    return "";
  }
}

/** Why a subscription handshake was refused. */
export type SubscriptionError =
  | { readonly _tag: "NotASubscription"; readonly message: string }
  | { readonly _tag: "VerifyTokenMismatch"; readonly message: string }
  | { readonly _tag: "MissingChallenge"; readonly message: string };

function sameText(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * Answers the GET subscription handshake: `Ok(challenge)` when `hub.mode=subscribe` and the
 * verify token matches (respond 200 with the challenge), otherwise why not (respond 403).
 *
 * @example
 * verifySubscription(new URL(request.url), "my-verify-token").match(
 *   (challenge) => new Response(challenge),
 *   () => new Response(null, { status: 403 }),
 * );
 */
export function verifySubscription(input: URL | URLSearchParams | string, verifyToken: string): Result<string, SubscriptionError> {
  return guard(
    () => subscription(input, verifyToken),
    () => err({ _tag: "NotASubscription", message: "The handshake query could not be read" } as const),
  );
}

function subscription(input: unknown, verifyToken: unknown): Result<string, SubscriptionError> {
  let params: URLSearchParams;
  if (input instanceof URLSearchParams) params = input;
  else if (input instanceof URL) params = input.searchParams;
  else if (typeof input === "string") params = new URLSearchParams(input.includes("?") ? input.slice(input.indexOf("?") + 1) : input);
  else return err({ _tag: "NotASubscription", message: "Expected a URL, URLSearchParams or a query string" });
  if (params.get("hub.mode") !== "subscribe") return err({ _tag: "NotASubscription", message: "hub.mode is not subscribe" });
  const token = params.get("hub.verify_token") ?? "";
  if (typeof verifyToken !== "string" || verifyToken === "") {
    return err({ _tag: "VerifyTokenMismatch", message: "No verifyToken is configured: pass the verify token set in the app's webhook configuration (WhatsApp › Configuration)" });
  }
  if (!sameText(token, verifyToken)) {
    return err({ _tag: "VerifyTokenMismatch", message: "hub.verify_token does not match the verifyToken given: set the same value in the app's webhook configuration (WhatsApp › Configuration)" });
  }
  const challenge = params.get("hub.challenge");
  if (challenge === null || challenge === "") return err({ _tag: "MissingChallenge", message: "hub.challenge is missing" });
  return ok(challenge);
}
