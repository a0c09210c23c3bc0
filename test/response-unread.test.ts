/**
 * A fetch `Response` has `status`, `body` and `headers`, so it type-checks as a `RawResponse`;
 * its body is a stream that a synchronous decoder cannot read. The value says so, with the real
 * status, instead of calling the body empty or not a Graph error.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCallingResponse } from "wacall";

let server: Server;
let url = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/ok") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ messaging_product: "whatsapp", calls: [{ id: "wacid.HBgLMTY1NTU" }] }));
      return;
    }
    res
      .writeHead(401, { "content-type": "application/json", "retry-after": "60" })
      .end(JSON.stringify({ error: { message: "(#138006) No approved call permission found", type: "OAuthException", code: 138006, fbtrace_id: "AbC" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const remedy = "body: await res.text()";

describe("decodeCallingResponse given a body that is still a stream", () => {
  it("a whole fetch Response: the real status, and what to pass instead; the body is left unread", async () => {
    const res = await fetch(`${url}/denied`);
    const e = decodeCallingResponse("connect", res)._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "MalformedResponse", reason: "unreadable", httpStatus: 401 });
    expect(e.message).toContain(remedy);
    expect(e.message).not.toMatch(/empty|no Graph error object/);
    expect(res.bodyUsed).toBe(false);
    // Read as the message says, the same response decodes to its Graph error.
    const decoded = decodeCallingResponse("connect", { status: res.status, body: await res.text(), headers: res.headers });
    expect(decoded._unsafeUnwrapErr()).toMatchObject({ _tag: "CallPermissionNotFound", httpStatus: 401 });
  });

  it("a 2xx Response is not mistaken for a failure without a status", async () => {
    const res = await fetch(`${url}/ok`);
    const e = decodeCallingResponse("connect", res)._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "MalformedResponse", reason: "unreadable", httpStatus: 200 });
    expect(e.message).toContain(remedy);
    await res.body?.cancel();
  });

  it("a stream or a Blob as the body of a plain object", async () => {
    const res = await fetch(`${url}/denied`);
    const fromStream = decodeCallingResponse("connect", { status: res.status, body: res.body, headers: res.headers })._unsafeUnwrapErr();
    expect(fromStream).toMatchObject({ _tag: "MalformedResponse", reason: "unreadable", httpStatus: 401 });
    expect(fromStream.message).toContain(remedy);
    await res.body?.cancel();
    const fromBlob = decodeCallingResponse("get_call_permissions", { status: 400, body: new Blob(['{"error":{"code":100}}']) })._unsafeUnwrapErr();
    expect(fromBlob).toMatchObject({ _tag: "MalformedResponse", reason: "unreadable", httpStatus: 400 });
    expect(fromBlob.message).toContain(remedy);
  });

  it("bytes and strings are still read as before", () => {
    const body = JSON.stringify({ error: { code: 138006, message: "x" } });
    for (const b of [body, new TextEncoder().encode(body), new TextEncoder().encode(body).buffer]) {
      expect(decodeCallingResponse("connect", { status: 401, body: b })._unsafeUnwrapErr()._tag).toBe("CallPermissionNotFound");
    }
  });
});
