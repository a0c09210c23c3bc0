import { createCallingClient, sdpOffer } from "wacall/client";
import { startFakeCallingApi } from "wacall/testing";

/** Place a call against the fake Calling API; in production, drop baseUrl and use your token. */
export async function placeOneCall(): Promise<string> {
  const fake = await startFakeCallingApi({ limits: { callsPerUserPerDay: 2 } });
  const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });
  fake.grantPermission("15551234567");

  const result = await client.connect({ to: "15551234567", sdp: sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"), bizOpaqueCallbackData: "ticket-1" });
  await fake.close();
  return result.match(
    (callId) => `ringing: ${callId.slice(0, 6)}`,
    (e) => `${e._tag} after ${e.attempts} attempt(s)`,
  );
}
