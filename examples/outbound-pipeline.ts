import { matchCategory } from "wacall";
import { createCallingClient, placeCall, sdpOffer, type CallState, type OutboundEnd, type PlaceCallError } from "wacall/client";
import { startFakeCallingApi, type FakeCallingApi } from "wacall/testing";
import { startEventSourceEndpoint, until } from "./event-source-server.js";

/** Every way an outbound attempt can end, matched exhaustively. */
export function describeEnd(end: OutboundEnd): string {
  switch (end._tag) {
    case "Answered":
      return `answered, talked ${end.durationSeconds ?? "?"} s`;
    case "Rejected":
      return "the user declined the call";
    case "NoAnswer":
      return "no answer";
    case "Failed":
      return `failed: ${end.errors.map((e) => e._tag).join(", ")}`;
    case "PermissionRequested":
      return "permission requested, no reply yet: call later";
    case "PermissionDeclined":
      return "the user said no to calls";
    case "NotAllowedUntil":
      return `not allowed (${end.reason}) until ${end.retryAt?.toISOString() ?? "later"}`;
  }
}

/** What is left to handle after the pipeline: its own three tags, then the client's, by category. */
export function describeError(e: PlaceCallError): string {
  if (e._tag === "CallEndUnknown") return `no terminate webhook in ${e.waitedMs} ms; last state ${e.state?._tag ?? "none"}`;
  if (e._tag === "EventWaitAborted") return "stopped";
  if (e._tag === "TooManyWaiters") return "too many calls followed at once";
  return matchCategory(e, {
    permission: (x) => `${x._tag}: ask for permission`,
    limit: (x) => `${x._tag}: back off`,
    conflict: (x) => `${x._tag}: already on a call`,
    recipient: (x) => `${x._tag}: the user cannot be called`,
    configuration: (x) => `${x._tag}: fix the number's setup`,
    account: (x) => `${x._tag}: fix the account`,
    authorization: (x) => `${x._tag}: rotate the token`,
    connection: (x) => `${x._tag}: retry later`,
    server: (x) => `${x._tag}: Meta-side failure`,
    request: (x) => `${x._tag}: bug in the request`,
    transport: (x) => `${x._tag}: network trouble`,
    unknown: (x) => `${x._tag} ${x.code}`,
    malformed: (x) => x._tag,
  });
}

/** The folded state, in one line. */
const stateLine = (s: CallState) => `${s._tag}, statuses ${s.statuses.join(">") || "none"}, ${s.anomalies.length} anomalies`;

/** The user's side of a call, played on the fake once the call rings. */
type UserPlays = (fake: FakeCallingApi, callId: string) => Promise<void>;

/** Outbound calls through placeCall: permission by webhook, answered, declined, unanswered, failed, lost and settled. */
export async function runOutboundPipeline(log: (line: string) => void): Promise<void> {
  const secret = "app-secret";
  const endpoint = await startEventSourceEndpoint(secret);
  let now = Date.now();
  const fake = await startFakeCallingApi({ webhook: { url: endpoint.url, appSecret: secret }, clock: () => now });
  const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });
  const offer = sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");

  const attempt = async (label: string, user: string, ticket: string, plays: UserPlays | undefined) => {
    const running = placeCall(client, endpoint.source, { to: user, sdp: offer, permissionRequestBody: `May we call you about ${ticket}?`, bizOpaqueCallbackData: ticket }, { permissionReplyMs: 2_000, followMs: 5_000 });
    if (plays !== undefined) {
      // The user's phone: the first webhook of this attempt names the call.
      const first = await endpoint.source.next({ bizOpaqueCallbackData: ticket }, { deadlineMs: 3_000 });
      if (first.isOk() && "callId" in first.value && typeof first.value.callId === "string") await plays(fake, first.value.callId);
    }
    const end = await running;
    log(`${label}: ${end.match(describeEnd, describeError)}`);
    if (end.isOk() && "state" in end.value) log(`  state: ${stateLine(end.value.state)}`);
  };

  // 1. No permission yet: the request goes out, the user accepts, the reply webhook lets the call go on.
  const asking = attempt("ask, then call", "15551230001", "ticket-1", async (f, id) => {
    await f.userAnswers(id);
    now += 45_000;
    await f.hangUp(id);
  });
  await until(() => fake.requests.some((r) => r.operation === "send_call_permission_request"));
  await fake.replyToPermissionRequest("15551230001", "accept");
  await asking;

  fake.grantPermission("15551230002");
  await attempt("declined", "15551230002", "ticket-2", (f, id) => f.userRejects(id));
  await attempt("unanswered", "15551230002", "ticket-3", (f, id) => f.hangUp(id));
  await attempt("media failure", "15551230002", "ticket-4", async (f, id) => {
    await f.userAnswers(id);
    await f.hangUp(id, { errorCode: 138021 });
  });
  // The connect is processed but its answer is lost: the RINGING webhook settles it.
  fake.fault({ kind: "reset-after-processing" }, { operation: "connect" });
  await attempt("lost answer, settled from webhooks", "15551230002", "ticket-5", (f, id) => f.hangUp(id));

  // A user who says no, then cannot be asked again today.
  const refusing = attempt("ask, refused", "15551230003", "ticket-6", undefined);
  await until(() => fake.requests.filter((r) => r.operation === "send_call_permission_request").length >= 2);
  await fake.replyToPermissionRequest("15551230003", "reject");
  await refusing;
  await attempt("ask again", "15551230003", "ticket-7", undefined);

  await fake.close();
  await endpoint.close();
}
