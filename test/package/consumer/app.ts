/**
 * A consumer of the packed package, compiled with skipLibCheck off by each supported TypeScript
 * and run on Node against each end of the neverthrow range. Prints one JSON line of facts.
 */
import { decodeGraphError, matchError, type GraphError } from "wacall";
import { createCallingClient, sdpOffer } from "wacall/client";
import { connectChange, delivery, startFakeCallingApi } from "wacall/testing";
import { createWebhookHandler, signBody, type CallEvent } from "wacall/webhook";
import { errAsync, ok, okAsync, ResultAsync, type Result } from "neverthrow";

// Matching a decoded error exhaustively by category, with the app's own types around it.
const decoded: GraphError = decodeGraphError({ error: { code: 138006, message: "No permission", type: "OAuthException" } }, { operation: "connect" });
const matched: string = matchError(decoded, { CallPermissionNotFound: (e) => `ask:${e.code}`, _: (e) => `other:${e._tag}` });

// A wacall result composed with the app's own results: one neverthrow, one ResultAsync class.
const fake = await startFakeCallingApi({});
const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });
fake.grantPermission("15551234567");
const connected = client.connect({ to: "15551234567", sdp: sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n") });
const sameClass = connected instanceof ResultAsync;
const checked: Result<number, string> = ok(2);
const composed = okAsync<number, string>(1)
  .andThen((n) => (n > 0 ? okAsync(n) : errAsync("not positive")))
  .andThen(() => connected.mapErr((e) => e._tag))
  .map((callId) => `${callId.slice(0, 6)}:${checked.unwrapOr(0)}`);
const placed = await composed.match((v) => `ok:${v}`, (tag) => `err:${tag}`);

// A signed delivery through the webhook handler: 200 and one event.
const events: CallEvent[] = [];
const handler = createWebhookHandler({ appSecret: "consumer-secret", verifyToken: "t", awaitHandlers: true, onEvent: (e) => void events.push(e) });
const body = JSON.stringify(delivery([connectChange({ callId: "wacid.C1", from: "1555", to: "1666", direction: "USER_INITIATED", timestamp: 1764065000000 })]));
const response = await handler(new Request("http://localhost/webhook", { method: "POST", body, headers: { "content-type": "application/json", "x-hub-signature-256": await signBody(body, "consumer-secret") } }));
await fake.close();

console.log(JSON.stringify({
  matched,
  sameClass,
  placed: placed.startsWith("ok:"),
  webhook: { status: response.status, events: events.map((e) => e._tag) },
}));
