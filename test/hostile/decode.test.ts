import { inspect } from "node:util";
import { fc, test as prop } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { decodeCallingResponse, decodeGraphError, type GraphError } from "wacall";
import type { Operation } from "../../src/catalog.js";

const operations: readonly Operation[] = [
  "connect", "pre_accept", "accept", "reject", "terminate",
  "get_call_permissions", "send_call_permission_request", "get_settings", "update_settings",
];

/** Everything a decoded value shows when printed or serialized. */
const printed = (v: unknown) => `${JSON.stringify(v)}\n${inspect(v, { depth: 20, getters: true })}`;

const envelope = (fields: Record<string, unknown>) => JSON.stringify({ error: { code: 138006, ...fields } });

describe("decoders never throw", () => {
  const huge = [
    `EAA${"a".repeat(3_000_000)}`,
    `Bearer ${" ".repeat(1_000_000)}x`,
    `Bearer ${"a".repeat(3_000_000)}`,
    `access_token=${"a".repeat(3_000_000)}`,
    `a=ice-pwd:${"a".repeat(3_000_000)}`,
    `${"1".repeat(20)}|${"a".repeat(3_000_000)}`,
    "Bearer ".repeat(300_000),
    "token=".repeat(300_000),
  ];

  it.each(huge.map((s, i) => [i, s] as const))("a %i-th multi-megabyte string field decodes to a bounded value", (_, s) => {
    for (const body of [envelope({ message: s }), envelope({ error_data: { details: s } }), { error: { code: 138006, error_user_msg: s } }]) {
      const e = decodeGraphError(body, { status: 401 });
      expect(e._tag).toBe("CallPermissionNotFound");
      expect(JSON.stringify(e).length).toBeLessThan(100_000);
      expect(printed(e)).not.toMatch(/a{9000}/);
    }
    const r = decodeCallingResponse("connect", { status: 401, body: envelope({ message: s }) });
    expect(r.isErr() && r.error._tag).toBe("CallPermissionNotFound");
  });

  it("a huge non-JSON body keeps a bounded snippet", () => {
    const e = decodeGraphError(`<html>${"Bearer ".repeat(500_000)}`, { status: 502 });
    expect(e._tag).toBe("MalformedResponse");
    expect(e._tag === "MalformedResponse" && e.snippet.length).toBeLessThanOrEqual(256);
  });

  const hostileObjects: readonly (readonly [string, () => unknown])[] = [
    ["a throwing getter on error", () => ({ get error(): never { throw new Error("boom"); } })],
    ["a throwing getter on code", () => ({ error: { get code(): never { throw new Error("boom"); } } })],
    ["a Proxy whose traps throw", () => new Proxy({}, { get() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); }, getOwnPropertyDescriptor() { throw new Error("trap"); }, has() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } })],
    ["a revoked Proxy", () => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; }],
    ["a revoked Proxy as the error", () => { const p = Proxy.revocable({}, {}); p.revoke(); return { error: p.proxy }; }],
    ["an array with an own constructor key", () => Object.assign([1, 2], { constructor: 5 })],
    ["BigInt and Symbol values", () => ({ error: { code: 138006, message: "x", extra: 10n, sym: Symbol("s"), [Symbol("k")]: 1, f: () => 1 } })],
    ["a cyclic error object", () => { const o: Record<string, unknown> = { code: 138006 }; o["self"] = o; o["list"] = [o, o]; return { error: o }; }],
    ["a wide cyclic error object", () => { const o: Record<string, unknown> = { code: 138006 }; for (let i = 0; i < 64; i++) o[`k${i}`] = o; return { error: o }; }],
    ["a shared-reference graph with 3^40 paths", () => { let o: unknown = { leaf: 1 }; for (let i = 0; i < 40; i++) o = { a: o, b: o, c: o }; return { error: o }; }],
    ["a shared-reference graph with 3^40 paths as the error object", () => { let o: unknown = { code: 138006 }; for (let i = 0; i < 40; i++) o = { code: 138006, a: o, b: o, c: o }; return { error: o }; }],
    ["a deep error_data", () => { let d: unknown = "leaf"; for (let i = 0; i < 50_000; i++) d = { d }; return { error: { code: 138006, error_data: d } }; }],
    ["a throwing toJSON", () => ({ error: { code: 138006, error_data: { toJSON() { throw new Error("x"); } } } })],
    ["a BigInt body", () => 10n],
    ["a Symbol body", () => Symbol("x")],
    ["a function body", () => () => 1],
    ["null", () => null],
    ["a Date", () => new Date(Number.NaN)],
    ["a SharedArrayBuffer view", () => new Uint8Array(new SharedArrayBuffer(8))],
  ];

  it.each(hostileObjects)("decodeGraphError with %s returns a JSON-safe value", (_, make) => {
    const e = decodeGraphError(make(), { status: 500 });
    expect(typeof e._tag).toBe("string");
    expect(() => JSON.stringify(e)).not.toThrow();
    expect(() => inspect(e, { depth: 20 })).not.toThrow();
  });

  it.each(hostileObjects)("decodeCallingResponse with %s as the body or the response returns an error value", (_, make) => {
    for (const op of operations) {
      for (const response of [{ status: 200, body: make() }, { status: 400, body: make() }, make()]) {
        const r = decodeCallingResponse(op, response as never);
        expect(r.isErr()).toBe(true);
        expect(() => JSON.stringify(r)).not.toThrow();
      }
    }
  });

  it("a response of null or undefined is a MalformedResponse, not a TypeError", () => {
    for (const op of operations) {
      for (const response of [null, undefined, 5, "text"]) {
        const r = decodeCallingResponse(op, response as never);
        expect(r.isErr() && r.error._tag).toBe("MalformedResponse");
      }
    }
  });

  it("headers whose get throws, or a Proxy of headers, are read as absent", () => {
    const throwing = { get(): never { throw new Error("boom"); } };
    const proxy = new Proxy({}, { ownKeys() { throw new Error("trap"); } });
    for (const headers of [throwing, proxy, { get: () => 5 }, { "retry-after": ["x", 1] }]) {
      const e = decodeGraphError(envelope({ message: "m" }), { status: 429, headers: headers as never });
      expect(e._tag).toBe("CallPermissionNotFound");
      expect(e.retryAt).toBeUndefined();
    }
  });

  it("a clock that throws or lies never makes retryAt invalid", () => {
    const clocks = [() => { throw new Error("clock"); }, () => Number.NaN, () => Number.POSITIVE_INFINITY, () => -1e20, () => "soon" as unknown as number];
    for (const clock of clocks) {
      const e = decodeGraphError(envelope({ message: "m" }), { status: 429, headers: { "retry-after": "30" }, clock });
      expect(e.retryAt).toBeInstanceOf(Date);
      expect(Number.isNaN(e.retryAt?.getTime())).toBe(false);
      expect(() => JSON.stringify(e)).not.toThrow();
    }
  });

  it("a context whose fields throw is ignored, not thrown", () => {
    const ctx = { get status(): never { throw new Error("boom"); } };
    expect(decodeGraphError(envelope({ message: "m" }), ctx as never)._tag).toBe("MalformedResponse");
    const r = decodeCallingResponse("connect", { status: 200, body: "{}" }, new Proxy({}, { get() { throw new Error("x"); } }) as never);
    expect(r.isErr()).toBe(true);
  });

  prop.prop([fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withObjectString: true })])("any value, as body or as response, decodes to a JSON-safe value", (v) => {
    const e: GraphError = decodeGraphError(v);
    expect(() => JSON.stringify(e)).not.toThrow();
    const r = decodeCallingResponse("connect", { status: 200, body: v });
    expect(() => JSON.stringify(r)).not.toThrow();
  });
});

const TOKEN = "zQ7-secret_token.Value~42";
const EAA = "EAAGm0PX4ZCpsBAKZAbcdef123456";

/** Each credential form, built around a secret. */
const forms: readonly (readonly [string, (s: string) => string])[] = [
  ["Bearer", (s) => `Authorization: Bearer ${s}`],
  ["Bearer + tab", (s) => `Bearer\t${s}`],
  ["Bearer + CRLF", (s) => `Bearer\r\n${s}`],
  ["Bearer quoted", (s) => `Bearer "${s}"`],
  ["OAuth", (s) => `OAuth ${s}`],
  ["Token", (s) => `Token ${s}`],
  ["Basic", (s) => `Basic ${Buffer.from(`user:${s}`).toString("base64")}`],
  ["access_token=", (s) => `https://graph.example/x?access_token=${s}&a=1`],
  ["access_token%3D", (s) => `next%3Fx%3D1%26access_token%3D${s}`],
  ["JSON access_token", (s) => `{"access_token":"${s}"}`],
  ["escaped JSON access_token", (s) => `{\\"access_token\\":\\"${s}\\"}`],
  ["client_secret=", (s) => `client_secret=${s}`],
  ["WWW-Authenticate token param", (s) => `Bearer realm="graph", token="${s}"`],
];

const ICE = "Zx9IcePassword0123456789";
const iceForms: readonly (readonly [string, string])[] = [
  ["ice-pwd", `a=ice-pwd:${ICE}`],
  ["ice-pwd with a space", `a=ice-pwd: ${ICE}`],
  ["ice-ufrag", `a=ice-ufrag:${ICE}`],
  ["ice-pwd in an SDP", `v=0\r\na=ice-ufrag:abcd\r\na=ice-pwd: ${ICE}\r\n`],
];

describe("decoders never leak", () => {
  const fields = ["message", "error_user_msg", "error_user_title", "fbtrace_id"] as const;

  for (const [name, form] of forms) {
    for (const secret of [TOKEN, EAA]) {
      it(`${name} with ${secret === EAA ? "an EAA token" : "any token"} is redacted in every field, as text, object and bytes`, () => {
        for (const field of fields) {
          const obj = { error: { code: 138006, [field]: form(secret), error_data: { details: form(secret) } } };
          const text = JSON.stringify(obj);
          for (const body of [text, obj, new TextEncoder().encode(text)]) {
            const e = decodeGraphError(body, { status: 401 });
            expect(printed(e)).not.toContain(secret);
            expect(printed(e)).not.toContain(Buffer.from(`user:${secret}`).toString("base64"));
          }
        }
      });
    }
  }

  it.each(iceForms)("%s is redacted", (_, text) => {
    const e = decodeGraphError({ error: { code: 100, message: text, error_data: { details: text } } });
    expect(printed(e)).not.toContain(ICE);
  });

  it("an app access token appid|secret keeps the app id only", () => {
    const e = decodeGraphError({ error: { code: 190, message: "token 1234567890123|abcdefABCDEF0123456789xyz is invalid" } });
    expect(e.message).toContain("1234567890123|");
    expect(printed(e)).not.toContain("abcdefABCDEF0123456789xyz");
  });

  it("credential-named keys in raw are redacted whatever their value", () => {
    const e = decodeGraphError({ error: { code: 138006, access_token: "short", token: "t0k", client_secret: 42, app_secret: ["x"], nested: { Authorization: "Basic x", password: "p" } } });
    const raw = JSON.stringify(e.raw);
    for (const leaked of ['"short"', '"t0k"', "42", '["x"]', '"Basic x"', '"p"']) expect(raw).not.toContain(leaked);
  });

  it("a secret the caller names is scrubbed in every form, whatever it looks like", () => {
    const secret = "pl@in text/secret+with space";
    const variants = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString("base64")];
    for (const v of variants) {
      const e = decodeGraphError({ error: { code: 190, message: `echo ${v} end`, error_data: { details: v }, error_user_msg: v } }, { secrets: [secret] });
      expect(printed(e)).not.toContain(v);
    }
    const r = decodeCallingResponse("connect", { status: 401, body: JSON.stringify({ error: { code: 190, message: secret } }), headers: { "www-authenticate": `Bearer error="invalid_token" ${secret}` } }, { secrets: [secret] });
    expect(printed(r)).not.toContain(secret);
  });

  it("WWW-Authenticate used as the message is redacted", () => {
    const e = decodeGraphError({ error: { code: 190 } }, { headers: { "www-authenticate": `Bearer realm="x", token="${TOKEN}"` } });
    expect(printed(e)).not.toContain(TOKEN);
  });

  it("a secret cut by the snippet bound does not leak its first part", () => {
    const body = `<html>${"x".repeat(200)}${TOKEN}${TOKEN}</html>`;
    const e = decodeGraphError(body, { status: 502, secrets: [TOKEN] });
    expect(e._tag === "MalformedResponse" && e.snippet).not.toContain(TOKEN.slice(0, 20));
  });

  prop.prop([fc.constantFrom(...forms), fc.stringMatching(/^[A-Za-z0-9._~-]{12,40}$/), fc.constantFrom(...fields)])("no token-shaped secret survives in any field", ([, form], secret, field) => {
    const e = decodeGraphError(JSON.stringify({ error: { code: 138006, [field]: `x ${form(secret)} y` } }));
    expect(printed(e)).not.toContain(secret);
  });

  prop.prop([fc.string({ minLength: 8, maxLength: 40, unit: "binary" }), fc.constantFrom(...fields)])("an exact secret of any characters never survives", (secret, field) => {
    fc.pre(secret.trim().length >= 8 && !/[\u0000-\u001f]/.test(secret));
    const e = decodeGraphError(JSON.stringify({ error: { code: 138006, [field]: `a ${secret} b`, error_data: { details: secret } } }), { secrets: [secret] });
    expect(JSON.stringify(e)).not.toContain(JSON.stringify(secret).slice(1, -1));
  });
});
