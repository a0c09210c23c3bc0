import { createCallingClient, type CallingClient } from "wacall/client";
import { createWebhookHandler, type CallEvent } from "wacall/webhook";

/** The four values a Meta app gives you, and the Graph version to talk to. */
export interface MetaConfig {
  /** A system user's token with `whatsapp_business_messaging` (and `whatsapp_business_management` for settings). */
  readonly accessToken: string;
  /** The business phone number's id (WhatsApp Manager or the app's API Setup page), not the number itself. */
  readonly phoneNumberId: string;
  /** The app secret (App settings › Basic): the key of every webhook's `X-Hub-Signature-256`. */
  readonly appSecret: string;
  /** Any string you choose; Meta sends it back in the subscription handshake. */
  readonly verifyToken: string;
  /** `https://graph.facebook.com` in production; the fake Calling API in tests. */
  readonly baseUrl?: string;
}

/** The client and the webhook endpoint of one business number. */
export function connectToMeta(config: MetaConfig, onEvent: (event: CallEvent) => void | Promise<void>): {
  readonly client: CallingClient;
  readonly webhook: (request: Request) => Promise<Response>;
} {
  const client = createCallingClient({
    accessToken: config.accessToken,
    phoneNumberId: config.phoneNumberId,
    apiVersion: "v23.0",
    ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
  });
  const webhook = createWebhookHandler({ appSecret: config.appSecret, verifyToken: config.verifyToken, onEvent });
  return { client, webhook };
}

/** Turns calling on for the number (once, `POST /{phone-number-id}/settings`) and reads back its status. */
export async function enableCalling(client: CallingClient): Promise<string> {
  const result = await client
    .updateCallingSettings({ status: "ENABLED", callIconVisibility: "DEFAULT" })
    .andThen(() => client.getCallingSettings());
  return result.match(
    (settings) => `calling ${settings.status ?? "unknown"}`,
    (e) => `${e._tag}: ${e.message}`,
  );
}
