/**
 * Meta's dashboard only says "the callback URL or verify token couldn't be validated". A refused
 * subscription handshake is reported to `onError`, saying what to change, and never with either
 * token in it; a GET that is not a handshake (a health check, a scanner) is not reported.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createWebhookHandler, toNodeListener, webhookServerOptions, type WebhookHandlerProblem } from "wacall/webhook";

const configured = "verify-token-the-app-knows-1234";
const sent = "verify-token-typed-in-the-dashboard-9876";

function handlerWith(verifyToken: string) {
  const problems: WebhookHandlerProblem[] = [];
  const handler = createWebhookHandler({ appSecret: "s3cr3t-app-secret", verifyToken, onEvent: () => undefined, onError: (p) => void problems.push(p) });
  return { handler, problems };
}

const get = (query: string) => new Request(`http://127.0.0.1/webhook${query}`);

describe("a refused subscription handshake is reported", () => {
  it("a verify token that does not match: 403, and onError says where to set it, without either token", async () => {
    const { handler, problems } = handlerWith(configured);
    const response = await handler(get(`?hub.mode=subscribe&hub.verify_token=${sent}&hub.challenge=1158201444`));
    expect(response.status).toBe(403);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ _tag: "Subscription", error: { _tag: "VerifyTokenMismatch" } });
    const text = JSON.stringify(problems);
    expect(text).toMatch(/verifyToken/);
    expect(text).toMatch(/Configuration/);
    expect(text).not.toContain(configured);
    expect(text).not.toContain(sent);
  });

  it("no verify token configured: the message says to pass one", async () => {
    const { handler, problems } = handlerWith("");
    expect((await handler(get(`?hub.mode=subscribe&hub.verify_token=${sent}&hub.challenge=1`))).status).toBe(403);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ _tag: "Subscription", error: { _tag: "VerifyTokenMismatch" } });
    expect(JSON.stringify(problems)).toMatch(/no verifyToken is configured/i);
  });

  it("a missing challenge is reported; a matching handshake and a GET that is not one are not", async () => {
    const { handler, problems } = handlerWith(configured);
    expect((await handler(get(`?hub.mode=subscribe&hub.verify_token=${configured}`))).status).toBe(403);
    expect(problems.map((p) => p._tag === "Subscription" && p.error._tag)).toEqual(["MissingChallenge"]);
    problems.length = 0;
    const ok = await handler(get(`?hub.mode=subscribe&hub.verify_token=${configured}&hub.challenge=42`));
    expect([ok.status, await ok.text()]).toEqual([200, "42"]);
    expect((await handler(get(""))).status).toBe(403);
    expect((await handler(get("?health=1"))).status).toBe(403);
    expect(problems).toEqual([]);
  });

  it("through toNodeListener on a real server too", async () => {
    const { handler, problems } = handlerWith(configured);
    const server = createServer(webhookServerOptions, toNodeListener(handler));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/webhook?hub.mode=subscribe&hub.verify_token=${sent}&hub.challenge=7`);
      expect(response.status).toBe(403);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ _tag: "Subscription", error: { _tag: "VerifyTokenMismatch" } });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
