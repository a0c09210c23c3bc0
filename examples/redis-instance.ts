import { createClient } from "redis";
import { createCallEventSource, createCallingClient, governed, placeCall, sdpOffer, type CallingClient } from "wacall/client";
import { redisDedupeStore, redisEventBus, redisLimitGovernor } from "wacall/redis";
import { createWebhookHandler } from "wacall/webhook";

/** One of several instances behind the same webhook URL, sharing de-duplication, events and limits through Redis. */
export async function startInstance(o: {
  readonly redisUrl: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
  readonly appSecret: string;
  readonly baseUrl?: string;
}) {
  // Commands fail at once while Redis is down (no offline queue); the second connection serves the bus's blocking reads.
  const redis = createClient({ url: o.redisUrl, disableOfflineQueue: true }).on("error", () => undefined);
  const reader = redis.duplicate().on("error", () => undefined);
  await Promise.all([redis.connect(), reader.connect()]);

  const source = createCallEventSource({ bus: redisEventBus(redis, { reader }) });
  const governor = redisLimitGovernor(redis, { phoneNumberId: o.phoneNumberId });
  const client: CallingClient = governed(
    createCallingClient({ accessToken: o.accessToken, phoneNumberId: o.phoneNumberId, ...(o.baseUrl !== undefined && { baseUrl: o.baseUrl }) }),
    governor,
  );
  const webhook = createWebhookHandler({
    appSecret: o.appSecret,
    verifyToken: "verify-me",
    awaitHandlers: true, // a store that is down answers 500, so Meta redelivers
    dedupe: redisDedupeStore(redis),
    onEvent: async (event) => {
      await source.onEvent(event); // to every instance's pipelines
      await governor.observe(event); // a terminate frees its concurrency slot
    },
  });

  /** Places a call and follows it to its end, whichever instance receives its webhooks. */
  const call = (to: string, offer: string) => placeCall(client, source, { to, sdp: sdpOffer(offer), permissionRequestBody: "May we call you about your order?" }, { followMs: 60_000 });
  const close = async () => {
    source.close();
    await Promise.all([redis.quit(), reader.quit()]);
  };
  return { webhook, call, client, close };
}
