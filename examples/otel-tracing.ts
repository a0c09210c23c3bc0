import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createCallingClient, sdpOffer, type ClientHooks } from "wacall/client";
import { startFakeCallingApi } from "wacall/testing";
import { tracingHooks } from "wacall/otel";

/**
 * Trace calls with OpenTelemetry: a span per call, a child span per HTTP attempt. In an app, the
 * tracer comes from your SDK setup (`trace.getTracer("my-app")` after `NodeSDK.start()`); here an
 * in-memory exporter shows what would be exported.
 */
export async function traceTwoCalls(): Promise<string[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const fake = await startFakeCallingApi();
  try {
    // Your own hooks go in the same list: each object is called in turn.
    let failures = 0;
    const countFailures: ClientHooks = { onCallEnd: (info) => void (info.ok || failures++) };
    const client = createCallingClient({
      baseUrl: fake.url,
      accessToken: fake.accessToken,
      phoneNumberId: fake.phoneNumberId,
      hooks: [tracingHooks({ tracer: provider.getTracer("call-centre") }), countFailures],
    });

    fake.fault({ kind: "rate-limit", retryAfterSeconds: 0 }, { operation: "get_call_permissions" });
    await client.getCallPermissions({ userWaId: "15551234567" }); // throttled once, then answered
    await client.connect({ to: "15551234567", sdp: sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n") }); // no permission: 138006

    // Ended spans, parents first: "<name> <status> <error.type>", attempts indented.
    const spans = exporter.getFinishedSpans();
    const line = (s: (typeof spans)[number]) =>
      `${s.name}${s.attributes["http.response.status_code"] !== undefined ? ` ${String(s.attributes["http.response.status_code"])}` : ""}${s.attributes["error.type"] !== undefined ? ` ${String(s.attributes["error.type"])}` : ""}`;
    const roots = spans.filter((s) => s.parentSpanContext === undefined);
    return [
      ...roots.flatMap((root) => [line(root), ...spans.filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId).map((s) => `  ${line(s)}`)]),
      `failed calls: ${failures}`,
    ];
  } finally {
    await fake.close();
    await provider.shutdown();
  }
}
