import { answerIncomingCall, createCallingClient, sdpAnswer } from "wacall/client";
import { startFakeCallingApi } from "wacall/testing";
import { startWebhookEndpoint } from "./webhook-server.js";

/** A full inbound flow: a user calls, the connect webhook arrives, the business answers in time. */
export async function runInboundFlow(log: (line: string) => void): Promise<void> {
  const secret = "app-secret";
  const endpoint = await startWebhookEndpoint(secret);
  let now = Date.now();
  const clock = () => now;
  const fake = await startFakeCallingApi({ webhook: { url: endpoint.url, appSecret: secret }, clock });
  const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });
  const answer = sdpAnswer("v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");

  for (const delayMs of [2_000, 90_000]) {
    const callId = fake.incomingCall("15557770000");
    await fake.webhooksIdle();
    const event = endpoint.events.splice(0).find((e) => e._tag === "CallConnect");
    if (event === undefined || event._tag !== "CallConnect") continue;
    log(`incoming call from ${event.from ?? "?"} with an SDP ${event.session?.sdpType ?? "none"}; answering after ${delayMs / 1000} s`);
    now += delayMs;
    const answered = await answerIncomingCall(client, event, answer, { clock });
    log(
      answered.match(
        (id) => `answered ${id.slice(0, 12)}…`,
        (e) => (e._tag === "AnswerWindowMissed" ? `too late: the window closed at ${e.deadline.toISOString()}` : `could not answer: ${e._tag}`),
      ),
    );
    if (answered.isOk()) {
      await fake.hangUp(callId);
      await fake.webhooksIdle();
      for (const e of endpoint.events.splice(0)) log(`  webhook: ${e._tag}${e._tag === "CallTerminate" ? ` ${e.status}, ${e.durationSeconds ?? 0} s` : ""}`);
    } else {
      fake.endCall(callId);
    }
  }
  await fake.close();
  await endpoint.close();
}
