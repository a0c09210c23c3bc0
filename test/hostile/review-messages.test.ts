/**
 * The clearer messages for bad input, attacked as a hostile or careless user would: what a
 * terminal really shows for `curl -v`, log lines built to blow up the note that says where an
 * error was found, a proxy whose own path looks like a Graph version, and response-shaped
 * objects that throw.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { decodeCallingResponse } from "wacall";
import { createCallingClient } from "wacall/client";
import { startFakeCallingApi, type FakeCallingApi } from "wacall/testing";
import { runCli } from "../../src/cli.js";

async function explain(args: string[], input: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["explain", ...args], { readStdin: () => Promise.resolve(input), out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

type Explained = { errors: { tag: string; fields: Record<string, unknown> }[]; note?: string };

const token = "EAAGm0PX4ZCpsBAKZBsecretTOKEN1234567890abcdef";
const duplicate = '{"error":{"message":"(#138003) Duplicate call","type":"OAuthException","code":138003,"fbtrace_id":"AbC"}}';

describe("wacall explain on a curl -v transcript as a terminal shows it", () => {
  // Graph's bodies end without a newline, so curl's closing `* …` line follows the body on the same line.
  it.each([
    "* Connection #0 to host graph.facebook.com left intact",
    "* Closing connection 0",
    "* shutting down connection #0",
  ])("a body followed on its line by curl's '%s' is still the response", async (closing) => {
    const transcript = ["> POST /v23.0/1234567890/calls HTTP/2", "> Host: graph.facebook.com", `> Authorization: Bearer ${token}`, ">", "< HTTP/2 400 ", "< content-type: application/json", "<", `${duplicate}${closing}`, ""].join("\n");
    const r = await explain(["--json"], transcript);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Explained;
    expect(out.errors.map((e) => e.tag)).toEqual(["DuplicateCall"]);
    expect(out.errors[0]?.fields["httpStatus"]).toBe(400);
    expect(r.stdout + r.stderr).not.toContain(token.slice(3));
  });
});

describe("wacall explain on a log line built to inflate the note", () => {
  it("a 9 MB key above 100 errors: each is explained, and the note stays short", async () => {
    const key = "k".repeat(9 * 1024 * 1024);
    const text = JSON.stringify({ [key]: Array.from({ length: 100 }, (_, i) => ({ code: 138006, message: `(#138006) No approved call permission found ${i}` })) });
    const r = await explain(["--json"], text);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Explained;
    expect(out.errors).toHaveLength(100);
    expect(out.errors.every((e) => e.tag === "CallPermissionNotFound")).toBe(true);
    expect(out.note).toMatch(/^Found in a log line at \$\.k+…\[0\]/);
    expect(r.stdout.length).toBeLessThan(200_000);
  }, 30_000);
});

/** A reverse proxy on loopback that serves the Graph API under its own versioned prefix. */
async function startProxy(prefix: string, target: string): Promise<{ server: Server; url: string; paths: string[] }> {
  const paths: string[] = [];
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    paths.push(path);
    if (!path.startsWith(`${prefix}/`)) {
      res.writeHead(404).end();
      return;
    }
    void read(req).then(async (body) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "connection") headers[k] = v;
      const answer = await fetch(`${target}${path.slice(prefix.length)}`, { method: req.method ?? "GET", headers, ...(body.length > 0 && { body }) });
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

describe("the baseUrl version check", () => {
  let fake: FakeCallingApi | undefined;
  let proxy: Server | undefined;
  afterEach(async () => {
    proxy?.closeAllConnections();
    await new Promise((resolve) => (proxy === undefined ? resolve(undefined) : proxy.close(resolve)));
    await fake?.close();
    proxy = undefined;
    fake = undefined;
  });

  it("a gateway whose own prefix has a version segment (/v1.0/graph) is used, with the Graph version after it", async () => {
    fake = await startFakeCallingApi({ accessToken: token });
    const gateway = await startProxy("/v1.0/graph", fake.url);
    proxy = gateway.server;
    const client = createCallingClient({ baseUrl: `${gateway.url}/v1.0/graph`, accessToken: token, phoneNumberId: fake.phoneNumberId, apiVersion: "v23.0" });
    const r = await client.getCallingSettings();
    expect(r.isOk(), JSON.stringify(r)).toBe(true);
    expect(gateway.paths).toEqual([`/v1.0/graph/v23.0/${fake.phoneNumberId}/settings?fields=calling`]);
  });

  it("the Graph version at the end of baseUrl, with or without a slash, is still refused before anything is sent", async () => {
    for (const baseUrl of ["https://graph.facebook.com/v23.0", "https://graph.facebook.com/v23.0/", "https://proxy.example/graph/v22.0", "https://graph.facebook.com/v23.0/1234567890/calls"]) {
      const client = createCallingClient({ baseUrl, accessToken: token, phoneNumberId: "1234567890", fetch: () => Promise.reject(new Error("nothing may be sent")) });
      const e = (await client.getCallingSettings())._unsafeUnwrapErr();
      expect(e).toMatchObject({ _tag: "InvalidInput", field: "baseUrl" });
      expect(e.message).toMatch(/apiVersion/);
    }
  });
});

describe("decodeCallingResponse on response-shaped objects that throw", () => {
  const boom = () => {
    throw new Error(`hostile ${token}`);
  };
  const remedy = "body: await res.text()";

  it("a Response whose status or headers getter throws still gets the remedy, and never the thrower's words", () => {
    let armed = false;
    class ThrowingHeaders extends Response {
      override get headers(): Headers {
        return armed ? boom() : super.headers;
      }
    }
    class ThrowingStatus extends Response {
      override get status(): number {
        return armed ? boom() : super.status;
      }
    }
    const headers = new ThrowingHeaders("{}", { status: 429 });
    const status = new ThrowingStatus("{}", { status: 429 });
    armed = true;
    const fromHeaders = decodeCallingResponse("connect", headers)._unsafeUnwrapErr();
    expect(fromHeaders).toMatchObject({ _tag: "MalformedResponse", reason: "unreadable", httpStatus: 429 });
    expect(fromHeaders.message).toContain(remedy);
    const fromStatus = decodeCallingResponse("connect", status)._unsafeUnwrapErr();
    expect(fromStatus).toMatchObject({ _tag: "MalformedResponse", reason: "unreadable" });
    expect(fromStatus.message).toContain(remedy);
    expect(JSON.stringify([fromHeaders, fromStatus])).not.toContain(token.slice(3));
  });
});
