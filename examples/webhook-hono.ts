import { Hono, type Context } from "hono";
import { createWebhookHandler, type CallEvent, type WaitUntilContext } from "wacall/webhook";

/**
 * A Hono app (Bun, Deno, Cloudflare Workers, Node) whose /webhook route is wacall's handler. The
 * handler gets the request unread (no c.req.json() or validator on this route before it: the
 * signature is over the raw bytes) and, on Workers, the execution context, whose waitUntil keeps
 * onEvent work that runs after the answer alive.
 */
export function createApp(appSecret: string, verifyToken: string, onEvent: (e: CallEvent) => void | Promise<void>): Hono {
  const handler = createWebhookHandler({ appSecret, verifyToken, onEvent });
  const app = new Hono();
  app.on(["GET", "POST"], "/webhook", (c) => handler(c.req.raw, c.env, executionContext(c)));
  return app;
}

/** Workers' execution context, or `undefined` where there is none (Hono throws when asked for it there). */
function executionContext(c: Context): WaitUntilContext | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

// On Bun or Deno: `export default createApp(secret, token, onEvent)`; on Workers the same object.
