import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signBody, verifySignature, verifySubscription } from "wacall/webhook";

const SECRET = "app-secret-1";
// Meta signs an escaped-unicode serialization: the bytes differ from a re-serialization.
const RAW = '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"calls","value":{"contacts":[{"profile":{"name":"Jos\\u00e9 \\ud83d\\udcde"}}]}}]}]}';
const sign = (body: string | Uint8Array, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("verifySignature", () => {
  it("accepts the raw escaped-unicode body as received, as text or bytes", async () => {
    expect((await verifySignature(RAW, sign(RAW), SECRET)).isOk()).toBe(true);
    expect((await verifySignature(new TextEncoder().encode(RAW), sign(RAW), SECRET)).isOk()).toBe(true);
    expect((await verifySignature(new TextEncoder().encode(RAW).buffer, sign(RAW), SECRET)).isOk()).toBe(true);
  });
  it("rejects a re-serialized body (the reason to hash the raw bytes)", async () => {
    const reserialized = JSON.stringify(JSON.parse(RAW));
    expect(reserialized).not.toBe(RAW);
    expect((await verifySignature(reserialized, sign(RAW), SECRET))._unsafeUnwrapErr()._tag).toBe("SignatureMismatch");
  });
  it("accepts non-ASCII bytes sent unescaped", async () => {
    const body = '{"name":"José 📞"}';
    expect((await verifySignature(body, sign(Buffer.from(body, "utf8")), SECRET)).isOk()).toBe(true);
  });
  it("rejects tampered bytes and wrong secrets", async () => {
    const tampered = RAW.replace("calls", "callz");
    expect((await verifySignature(tampered, sign(RAW), SECRET))._unsafeUnwrapErr()._tag).toBe("SignatureMismatch");
    expect((await verifySignature(RAW, sign(RAW, "other"), SECRET))._unsafeUnwrapErr()._tag).toBe("SignatureMismatch");
  });
  it("accepts any of several secrets during a rotation", async () => {
    expect((await verifySignature(RAW, sign(RAW, "new-secret"), ["old-secret", "new-secret"])).isOk()).toBe(true);
    expect((await verifySignature(RAW, sign(RAW, "older"), ["old-secret", "new-secret"])).isErr()).toBe(true);
  });
  it.each([
    [undefined, "MissingSignature"],
    ["", "MissingSignature"],
    ["abc", "MalformedSignature"],
    ["sha256=xyz", "MalformedSignature"],
    ["sha256=" + "a".repeat(63), "MalformedSignature"],
    ["sha1=" + "a".repeat(40), "UnsupportedAlgorithm"],
  ] as const)("header %s → %s", async (header, tag) => {
    expect((await verifySignature(RAW, header, SECRET))._unsafeUnwrapErr()._tag).toBe(tag);
  });
  it("refuses a parsed object and a missing secret", async () => {
    expect((await verifySignature(JSON.parse(RAW), sign(RAW), SECRET))._unsafeUnwrapErr()._tag).toBe("BodyNotRaw");
    expect((await verifySignature(RAW, sign(RAW), []))._unsafeUnwrapErr()._tag).toBe("NoSecretConfigured");
    expect((await verifySignature(RAW, sign(RAW), ""))._unsafeUnwrapErr()._tag).toBe("NoSecretConfigured");
  });
  it("signBody agrees with node:crypto", async () => {
    expect(await signBody(RAW, SECRET)).toBe(sign(RAW));
  });
});

describe("verifySubscription", () => {
  it("returns the challenge when the token matches", () => {
    expect(verifySubscription(new URL("https://x/webhook?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444"), "tok")._unsafeUnwrap()).toBe("1158201444");
    expect(verifySubscription("hub.mode=subscribe&hub.verify_token=tok&hub.challenge=42", "tok")._unsafeUnwrap()).toBe("42");
  });
  it.each([
    ["hub.mode=unsubscribe&hub.verify_token=tok&hub.challenge=1", "NotASubscription"],
    ["hub.mode=subscribe&hub.verify_token=bad&hub.challenge=1", "VerifyTokenMismatch"],
    ["hub.mode=subscribe&hub.verify_token=tok", "MissingChallenge"],
  ])("%s → %s", (query, tag) => {
    expect(verifySubscription(new URLSearchParams(query), "tok")._unsafeUnwrapErr()._tag).toBe(tag);
  });
});
