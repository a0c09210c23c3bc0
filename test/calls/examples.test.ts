import { describe, expect, it } from "vitest";

describe("call pipeline examples (the demo): fake API → signed webhooks → handler → event source → fold", () => {
  it("outbound: every end of placeCall, matched exhaustively", async () => {
    const { runOutboundPipeline } = await import("../../examples/outbound-pipeline.js");
    const lines: string[] = [];
    await runOutboundPipeline((l) => lines.push(l));
    expect(lines).toEqual([
      "ask, then call: answered, talked 45 s",
      "  state: Ended, statuses RINGING>ACCEPTED, 0 anomalies",
      "declined: the user declined the call",
      "  state: Rejected, statuses RINGING>REJECTED, 0 anomalies",
      "unanswered: no answer",
      "  state: NotAnswered, statuses RINGING, 0 anomalies",
      "media failure: failed: MediaReceiveTimeout",
      "  state: Failed, statuses RINGING>ACCEPTED, 0 anomalies",
      "lost answer, settled from webhooks: no answer",
      "  state: NotAnswered, statuses RINGING, 0 anomalies",
      "ask, refused: the user said no to calls",
      expect.stringMatching(/^ask again: not allowed \(request-limit\) until \d{4}-/),
    ]);
  });

  it("inbound: answerCall answered, failed, too late", async () => {
    const { runInboundPipeline } = await import("../../examples/inbound-pipeline.js");
    const lines: string[] = [];
    await runInboundPipeline((l) => lines.push(l));
    expect(lines).toEqual([
      "incoming call from 15557770000, answering after 2 s",
      "  talked 32 s, 0 anomalies",
      "incoming call from 15557770000, answering after 5 s",
      "  failed: CallingPaymentMethodMissing",
      "incoming call from 15557770000, answering after 90 s",
      expect.stringMatching(/^ {2}too late: the window closed at \d{4}-/),
    ]);
  });
});
