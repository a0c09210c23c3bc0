/**
 * A webhook endpoint on loopback that feeds an event source: the real handler and node adapter,
 * and the fake Calling API sending it signed webhooks.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createCallEventSource, createCallingClient, type CallEventSource, type CallEventSourceOptions, type CallingClient } from "wacall/client";
import { startFakeCallingApi, type FakeCallingApi, type FakeCallingApiOptions } from "wacall/testing";
import { createWebhookHandler, toNodeListener, webhookServerOptions } from "wacall/webhook";

export interface Rig {
  readonly source: CallEventSource;
  readonly fake: FakeCallingApi;
  readonly client: CallingClient;
  close(): Promise<void>;
}

/** The fake API, a webhook server feeding `source`, and a client: everything on 127.0.0.1. */
export async function startRig(o: { readonly source?: CallEventSourceOptions; readonly fake?: FakeCallingApiOptions } = {}): Promise<Rig> {
  const secret = "rig-app-secret";
  const source = createCallEventSource(o.source);
  const handler = createWebhookHandler({ appSecret: secret, verifyToken: "verify", onEvent: source.publish, awaitHandlers: true });
  const server = createServer(webhookServerOptions, toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const fake = await startFakeCallingApi({ ...o.fake, webhook: { url: `http://127.0.0.1:${port}/webhook`, appSecret: secret } });
  const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, retry: { maxAttempts: 1 } });
  return {
    source,
    fake,
    client,
    close: async () => {
      await fake.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
