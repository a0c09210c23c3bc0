/** The message for a body a parser already read names what the parser left, in plain English. */
import type { AddressInfo } from "node:net";
import express from "express";
import { describe, expect, it } from "vitest";
import { createWebhookHandler, toNodeListener, type WebhookHandlerProblem } from "wacall/webhook";

describe("a body express.json() already parsed", () => {
  it("is reported as 'req.body is an object', with the route to write instead", async () => {
    const problems: WebhookHandlerProblem[] = [];
    const handler = createWebhookHandler({ appSecret: "s3cr3t", verifyToken: "v", onEvent: () => undefined, onError: (p) => void problems.push(p) });
    const app = express();
    app.use(express.json());
    app.post("/webhook", toNodeListener(handler));
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/webhook`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"object":"whatsapp_business_account","entry":[]}' });
      expect(response.status).toBe(400);
      expect(problems).toHaveLength(1);
      const message = problems[0]?._tag === "BodyUnreadable" ? problems[0].message : "";
      expect(message).toContain("(req.body is an object)");
      expect(message).toContain('express.raw({ type: "application/json" })');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
