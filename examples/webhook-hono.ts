import { Hono } from "hono";
import { createWebhookHandler, type CallEvent } from "wacall/webhook";

/** A Hono app (Bun, Deno, Cloudflare Workers, Node) whose /webhook route is wacall's handler. */
export function createApp(appSecret: string, verifyToken: string, onEvent: (e: CallEvent) => void): Hono {
  const handler = createWebhookHandler({ appSecret, verifyToken, onEvent });
  const app = new Hono();
  app.on(["GET", "POST"], "/webhook", (c) => handler(c.req.raw));
  return app;
}

// On Bun or Deno: `export default createApp(secret, token, onEvent)`; on Workers the same object.
