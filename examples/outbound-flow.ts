import { matchCategory, type GraphError } from "wacall";
import { createCallingClient, ensureCallPermission, sdpOffer, settleOutcomeUnknown } from "wacall/client";
import { startFakeCallingApi } from "wacall/testing";
import type { CallEvent } from "wacall/webhook";
import { startWebhookEndpoint } from "./webhook-server.js";

/** Why a call failed, from its terminate webhook: the same union as a failed request. */
function explainFailure(e: GraphError): string {
  return matchCategory(e, {
    connection: (x) => `${x._tag}: media or setup failed on the user's side; call again later`,
    account: (x) => `${x._tag}: fix the business account`,
    configuration: (x) => `${x._tag}: fix the number's setup`,
    permission: (x) => `${x._tag}: permission problem`,
    recipient: (x) => `${x._tag}: the user cannot be reached`,
    limit: (x) => `${x._tag}: a limit was hit`,
    conflict: (x) => `${x._tag}: call conflict`,
    request: (x) => `${x._tag}: bad request`,
    authorization: (x) => `${x._tag}: token problem`,
    server: (x) => `${x._tag}: Meta-side failure`,
    unknown: (x) => `${x._tag} ${x.code}`,
    malformed: (x) => `${x._tag}`,
  });
}

function describe(e: CallEvent): string {
  switch (e._tag) {
    case "CallStatus":
      return `status ${e.status}`;
    case "CallConnect":
      return `connect (${e.direction ?? "?"}, SDP ${e.session?.sdpType ?? "none"})`;
    case "CallTerminate":
      return `terminate ${e.status}${e.errors.map((x) => `: ${explainFailure(x)}`).join("")}`;
    case "CallPermissionReply":
      return `permission reply ${e.response}${e.isPermanent ? " (permanent)" : ""}`;
    case "SipCallCreated":
      return `SIP call created (${e.direction ?? "?"})`;
    case "CallRecordingAvailable":
      return `recording ${e.recording.mediaId}`;
    case "CallTranscriptionAvailable":
      return `transcript ${e.transcript.mediaId}`;
    case "Voicemail":
      return `voicemail ${e.audio.mediaId}`;
    case "CallingViolation":
      return `calling violation ${e.rawViolationType}`;
    case "CallingRestriction":
      return `calling restricted: ${e.restrictions.map((r) => r.rawRestrictionType).join(", ")}`;
    case "CallingSettingsChanged":
      return `calling settings ${e.calling.status ?? "changed"}`;
    case "UnknownCallEvent":
      return `unknown call event ${e.event}`;
    case "UnknownChange":
      return `unknown change ${e.field}`;
  }
}

/** A full outbound flow: ask permission, get the reply webhook, call, follow the webhooks to a failed end. */
export async function runOutboundFlow(log: (line: string) => void): Promise<void> {
  const secret = "app-secret";
  const endpoint = await startWebhookEndpoint(secret);
  const fake = await startFakeCallingApi({ webhook: { url: endpoint.url, appSecret: secret } });
  const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });
  const user = "15551230000";
  const seen = async () => {
    await fake.webhooksIdle();
    const lines = endpoint.events.splice(0).map(describe);
    for (const l of lines) log(`  webhook: ${l}`);
  };

  const first = await ensureCallPermission(client, { user, requestBody: "May we call you about ticket 42?" });
  log(`permission: ${first.match((o) => o._tag, (e) => `failed ${e._tag}`)}`);
  await fake.replyToPermissionRequest(user, "accept");
  await seen();
  const second = await ensureCallPermission(client, { user, requestBody: "unused" });
  log(`permission: ${second.match((o) => o._tag, (e) => `failed ${e._tag}`)}`);

  const placed = await client.connect({ to: user, sdp: sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"), bizOpaqueCallbackData: "ticket-42" });
  if (placed.isErr()) {
    log(`connect failed: ${placed.error._tag}`);
  } else {
    log(`connect: ${placed.value.slice(0, 12)}…`);
    await seen();
    await fake.userAnswers(placed.value);
    await seen();
    await fake.hangUp(placed.value, { errorCode: 138021, details: "No media received for 20 seconds" });
    await seen();
  }

  // A connect whose answer is lost on the way back: settled from the webhooks, not retried.
  const other = "15551239999";
  fake.grantPermission(other);
  fake.fault({ kind: "reset-after-processing" }, { operation: "connect" });
  const lost = await client.connect({ to: other, sdp: sdpOffer("v=0\r\n"), bizOpaqueCallbackData: "ticket-43" });
  if (lost.isErr() && lost.error._tag === "OutcomeUnknown") {
    log(`connect: OutcomeUnknown after ${lost.error.attempts} attempt`);
    await fake.webhooksIdle();
    const settled = settleOutcomeUnknown(lost.error, endpoint.events);
    log(`settled from webhooks: ${settled.match((s) => `${s._tag} (${s.lastEvent})`, (s) => `${s._tag} (${s.reason})`)}`);
  }
  await fake.close();
  await endpoint.close();
}
