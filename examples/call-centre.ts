import { matchCategory, matchError } from "wacall";
import { createCallingClient, ensureCallPermission, sdpOffer, type CallingClient, type ClientErrorOf, type PermissionOutcome } from "wacall/client";
import { startFakeCallingApi } from "wacall/testing";

/** Look up the permission; when missing and allowed, ask for it (the library's pipeline). */
async function ensurePermission(client: CallingClient, user: string): Promise<string> {
  const step = await ensureCallPermission(client, { user, requestBody: "Can we call you about your order?" });
  return step.match(
    (o: PermissionOutcome) =>
      matchError(o, {
        Granted: () => "granted",
        Requested: () => "requested",
        NotAllowedUntil: (n) => `not allowed until ${n.retryAt?.toISOString() ?? "unknown"}`,
      }),
    (e) => `check failed: ${e._tag}`,
  );
}

/** What the call centre does with a failed connect: exhaustive over every category it can have. */
function onConnectFailure(e: ClientErrorOf<"connect">): string {
  return matchCategory(e, {
    permission: (x) => `${x._tag}: ask the user for permission first`,
    limit: (x) => `${x._tag}: try again ${x.retryAt ? `at ${x.retryAt.toISOString()}` : "later"}`,
    conflict: (x) => `${x._tag}: already on a call with this user`,
    recipient: (x) => `${x._tag}: the user cannot take WhatsApp calls`,
    configuration: (x) => `${x._tag}: page the WhatsApp admin`,
    account: (x) => `${x._tag}: page the WhatsApp admin`,
    authorization: (x) => `${x._tag}: rotate the access token`,
    connection: (x) => `${x._tag}: retry the call`,
    server: (x) => `${x._tag}: Meta is having trouble, retry later`,
    request: (x) => `${x._tag}: bug in our request (${x.message})`,
    transport: (x) => (x._tag === "OutcomeUnknown" ? "OutcomeUnknown: wait for the webhook before calling again" : `${x._tag}: network trouble`),
    unknown: (x) => `${x._tag} ${x.code}: report it`,
    malformed: (x) => `${x._tag}: unreadable answer (${x.reason})`,
  });
}

/** Places a call and hangs up after the conversation; returns what happened. */
async function callAndHangUp(client: CallingClient, user: string): Promise<string> {
  const offer = sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
  const placed = await client.connect({ to: user, sdp: offer, bizOpaqueCallbackData: `ticket-for-${user}` });
  if (placed.isErr()) return onConnectFailure(placed.error);
  const ended = await client.terminate({ callId: placed.value });
  return ended.match(
    () => `connected ${placed.value.slice(0, 16)}… and hung up`,
    (e) => `connected, but terminate failed: ${e._tag}`,
  );
}

/** The call-centre pipeline against the fake Calling API: permission → request → connect → outcome. */
export async function runCallCentre(log: (line: string) => void): Promise<void> {
  // Two connected calls per user per day, so the daily limit shows up quickly.
  const fake = await startFakeCallingApi({ limits: { callsPerUserPerDay: 2 } });
  const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });
  const alice = "15550000001";
  const bob = "15550000002";
  const carol = "15550000003";
  fake.markUncallable(carol);

  log(`fake Calling API on ${fake.url}`);
  for (const user of [alice, bob]) {
    log(`${user}: permission ${await ensurePermission(client, user)}`);
  }
  log(`${alice} accepts the permission request`);
  fake.grantPermission(alice);
  for (let i = 1; i <= 3; i++) log(`${alice}: call ${i}: ${await callAndHangUp(client, alice)}`);
  log(`${bob}: call: ${await callAndHangUp(client, bob)}`);
  log(`${bob}: ask again: ${await ensurePermission(client, bob)}`);
  log(`${carol}: call: ${await callAndHangUp(client, carol)}`);
  fake.fault({ kind: "reset-after-processing" }, { operation: "connect" });
  fake.grantPermission(carol.replace("3", "4"));
  log(`15550000004: call through a flaky network: ${await callAndHangUp(client, "15550000004")}`);
  await fake.close();
}
