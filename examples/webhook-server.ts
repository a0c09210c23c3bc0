import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookHandler, toNodeListener, webhookServerOptions, type CallEvent } from "wacall/webhook";

/** A webhook endpoint on loopback that collects the events it receives (shared by the flow examples). */
export async function startWebhookEndpoint(appSecret: string): Promise<{ url: string; events: CallEvent[]; close: () => Promise<void> }> {
  const events: CallEvent[] = [];
  const handler = createWebhookHandler({ appSecret, verifyToken: "verify-me", onEvent: (e) => void events.push(e), awaitHandlers: true });
  // Header and request timeouts for the server; the listener bounds the body (3 MiB, 10 s) itself.
  const server = createServer(webhookServerOptions, toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhook`, events, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
