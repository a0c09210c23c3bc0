import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createCallEventSource, type CallEventSource } from "wacall/client";
import { createWebhookHandler, toNodeListener, webhookServerOptions } from "wacall/webhook";

/** A webhook endpoint on loopback whose handler publishes every event into an event source. */
export async function startEventSourceEndpoint(appSecret: string): Promise<{ url: string; source: CallEventSource; close: () => Promise<void> }> {
  const source = createCallEventSource();
  const handler = createWebhookHandler({ appSecret, verifyToken: "verify-me", onEvent: source.publish });
  const server = createServer(webhookServerOptions, toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    source,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits (polling, at most `ms`) until `ready()` holds: how the examples play the user's side. */
export async function until(ready: () => boolean, ms = 3_000): Promise<void> {
  for (const end = Date.now() + ms; !ready() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
}
