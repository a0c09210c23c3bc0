import { matchCategory } from "wacall";
import { answerCall, createCallingClient, sdpAnswer, type AnswerCallError, type CallEnd } from "wacall/client";
import { startFakeCallingApi } from "wacall/testing";
import type { CallConnect, CallEvent } from "wacall/webhook";
import { startEventSourceEndpoint, until } from "./event-source-server.js";

/** Every way an answered call can end, matched exhaustively. */
export function describeEnd(end: CallEnd): string {
  switch (end._tag) {
    case "Answered":
      return `talked ${end.durationSeconds ?? "?"} s, ${end.state.anomalies.length} anomalies`;
    case "Rejected":
      return "rejected";
    case "NoAnswer":
      return "ended before it was picked up";
    case "Failed":
      return `failed: ${end.errors.map((e) => `${e._tag}`).join(", ")}`;
  }
}

/** What is left to handle: following's three tags, then answering's, by category. */
export function describeError(e: AnswerCallError): string {
  if (e._tag === "CallEndUnknown") return `no terminate webhook; last state ${e.state?._tag ?? "none"}`;
  if (e._tag === "EventWaitAborted" || e._tag === "TooManyWaiters") return e._tag;
  return matchCategory(e, {
    connection: (x) => (x._tag === "AnswerWindowMissed" ? `too late: the window closed at ${x.deadline.toISOString()}` : `${x._tag}: retry`),
    request: (x) => `${x._tag}: not something to answer`,
    limit: (x) => `${x._tag}: back off`,
    configuration: (x) => `${x._tag}: fix the number's setup`,
    account: (x) => `${x._tag}: fix the account`,
    authorization: (x) => `${x._tag}: rotate the token`,
    server: (x) => `${x._tag}: Meta-side failure`,
    transport: (x) => `${x._tag}: network trouble`,
    unknown: (x) => `${x._tag} ${x.code}`,
    malformed: (x) => x._tag,
  });
}

const isIncoming = (e: CallEvent): e is CallConnect => e._tag === "CallConnect" && e.direction === "USER_INITIATED";

/** Inbound calls through answerCall: answered in time, answered then failed, too late. */
export async function runInboundPipeline(log: (line: string) => void): Promise<void> {
  const secret = "app-secret";
  const endpoint = await startEventSourceEndpoint(secret);
  let now = Date.now();
  const clock = () => now;
  const fake = await startFakeCallingApi({ webhook: { url: endpoint.url, appSecret: secret }, clock });
  const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });
  const answer = sdpAnswer("v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");

  for (const { after, hangUp } of [
    { after: 2_000, hangUp: {} },
    { after: 5_000, hangUp: { errorCode: 131044 } },
    { after: 90_000, hangUp: undefined },
  ]) {
    const ringing = endpoint.source.next(isIncoming, { after: endpoint.source.position(), deadlineMs: 3_000 });
    const callId = fake.incomingCall("15557770000");
    const connect = await ringing;
    if (connect.isErr() || !isIncoming(connect.value)) continue;
    log(`incoming call from ${connect.value.from ?? "?"}, answering after ${after / 1000} s`);
    now += after;
    const running = answerCall(client, endpoint.source, connect.value, answer, { clock, followMs: 5_000 });
    if (hangUp !== undefined) {
      // The user's side: once the call is accepted, talk for a while, then hang up.
      await until(() => fake.calls().some((c) => c.id === callId && c.state === "accepted"));
      now += 30_000;
      await fake.hangUp(callId, hangUp);
    }
    const end = await running;
    log(`  ${end.match(describeEnd, describeError)}`);
    if (end.isErr()) fake.endCall(callId);
  }
  await fake.close();
  await endpoint.close();
}
