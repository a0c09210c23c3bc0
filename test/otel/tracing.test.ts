import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type ContextManager, type Tracer } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FakeCallingApi } from "wacall/testing";
import { tracingHooks } from "../../src/otel/index.js";
import { OFFER, setup, TOKEN, USER } from "../client/helpers.js";

/** A context manager on AsyncLocalStorage, as the Node SDK registers one: the active span follows awaits. */
class AsyncContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer("wacall-test");

let current: FakeCallingApi | undefined;
afterEach(async () => {
  exporter.reset();
  await current?.close();
  current = undefined;
});
beforeAll(() => {
  context.setGlobalContextManager(new AsyncContextManager());
});
afterAll(async () => {
  context.disable();
  await provider.shutdown();
});

const byName = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const ms = (t: readonly [number, number]) => t[0] * 1000 + t[1] / 1e6;

describe("tracingHooks: a span per call, a child span per attempt", () => {
  it("a retried call: the call span and two attempt spans under it, with HTTP attributes", async () => {
    const { fake, client } = await setup({}, { hooks: tracingHooks({ tracer }) });
    current = fake;
    fake.fault({ kind: "html", status: 502 }, { operation: "get_call_permissions" });
    expect((await client.getCallPermissions({ userWaId: USER })).isOk()).toBe(true);

    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    const [call] = byName(spans, "wacall get_call_permissions");
    const attempts = byName(spans, "GET /v23.0/{phone_number_id}/call_permissions");
    expect(call).toBeDefined();
    expect(attempts).toHaveLength(2);
    expect(call!.kind).toBe(SpanKind.INTERNAL);
    expect(call!.status.code).toBe(SpanStatusCode.UNSET);
    expect(call!.attributes).toEqual({ "wacall.operation": "get_call_permissions", "wacall.phone_number_id": fake.phoneNumberId, "wacall.attempts": 2, "http.response.status_code": 200 });

    const port = Number(new URL(fake.url).port);
    const [first, second] = [...attempts].sort((a, b) => ms(a.startTime) - ms(b.startTime));
    for (const a of [first!, second!]) {
      expect(a.kind).toBe(SpanKind.CLIENT);
      expect(a.parentSpanContext?.spanId).toBe(call!.spanContext().spanId);
      expect(a.spanContext().traceId).toBe(call!.spanContext().traceId);
      expect(ms(a.startTime)).toBeGreaterThanOrEqual(ms(call!.startTime));
      expect(ms(a.endTime)).toBeLessThanOrEqual(ms(call!.endTime));
    }
    expect(first!.status).toEqual({ code: SpanStatusCode.ERROR, message: "MalformedResponse" });
    expect(first!.attributes).toEqual({
      "http.request.method": "GET",
      "url.template": "/v23.0/{phone_number_id}/call_permissions",
      "server.address": "127.0.0.1",
      "server.port": port,
      "wacall.operation": "get_call_permissions",
      "http.response.status_code": 502,
      "error.type": "MalformedResponse",
      "wacall.error.category": "malformed",
      "wacall.retry.delay_ms": expect.any(Number),
    });
    expect(second!.status.code).toBe(SpanStatusCode.UNSET);
    expect(second!.attributes).toMatchObject({ "http.request.resend_count": 1, "http.response.status_code": 200 });
    expect(second!.attributes).not.toHaveProperty("error.type");
    expect(ms(second!.startTime)).toBeGreaterThanOrEqual(ms(first!.endTime) - 1);
  });

  it("a failed call: status ERROR with the tag, error.type, the Graph code", async () => {
    const { fake, client } = await setup({}, { hooks: tracingHooks({ tracer }) });
    current = fake;
    const e = (await client.connect({ to: USER, sdp: OFFER }))._unsafeUnwrapErr();
    expect(e._tag).toBe("CallPermissionNotFound");
    const [call] = byName(exporter.getFinishedSpans(), "wacall connect");
    expect(call!.status).toEqual({ code: SpanStatusCode.ERROR, message: "CallPermissionNotFound" });
    expect(call!.attributes).toMatchObject({ "error.type": "CallPermissionNotFound", "wacall.error.category": "permission", "wacall.error.code": 138006, "wacall.error.retryable": false, "wacall.attempts": 1 });
    const [attempt] = byName(exporter.getFinishedSpans(), "POST /v23.0/{phone_number_id}/calls");
    expect(attempt!.attributes).toMatchObject({ "error.type": "CallPermissionNotFound", "wacall.error.code": 138006 });
  });

  it("refused input: a call span with error.type InvalidInput and no attempt span", async () => {
    const { fake, client } = await setup({}, { hooks: tracingHooks({ tracer }) });
    current = fake;
    await client.terminate({ callId: "not-a-call-id" as never });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(["wacall terminate"]);
    expect(spans[0]!.attributes).toMatchObject({ "error.type": "InvalidInput", "wacall.attempts": 0 });
  });

  it("the call span is a child of the span active when the method was called", async () => {
    const { fake, client } = await setup({}, { hooks: tracingHooks({ tracer }) });
    current = fake;
    await tracer.startActiveSpan("handle request", async (root) => {
      await client.getCallingSettings();
      root.end();
    });
    const spans = exporter.getFinishedSpans();
    const [root] = byName(spans, "handle request");
    const [call] = byName(spans, "wacall get_settings");
    expect(call!.parentSpanContext?.spanId).toBe(root!.spanContext().spanId);
    expect(call!.spanContext().traceId).toBe(root!.spanContext().traceId);
  });

  it("concurrent calls each get their own span and attempts", async () => {
    const { fake, client } = await setup({}, { hooks: tracingHooks({ tracer }) });
    current = fake;
    await Promise.all(Array.from({ length: 6 }, () => client.getCallingSettings()));
    const spans = exporter.getFinishedSpans();
    const calls = byName(spans, "wacall get_settings");
    expect(calls).toHaveLength(6);
    for (const c of calls) expect(spans.filter((s) => s.parentSpanContext?.spanId === c.spanContext().spanId)).toHaveLength(1);
  });

  it("uses the global tracer provider by default", async () => {
    trace.setGlobalTracerProvider(provider);
    try {
      const { fake, client } = await setup({}, { hooks: tracingHooks() });
      current = fake;
      await client.getCallingSettings();
      const [call] = byName(exporter.getFinishedSpans(), "wacall get_settings");
      expect(call!.instrumentationScope.name).toBe("wacall");
    } finally {
      trace.disable();
    }
  });
});

describe("tracingHooks never breaks a call and never holds a secret", () => {
  it("no span holds the token or the SDP's ICE credentials, whatever failed", async () => {
    const { fake, client } = await setup({}, { hooks: tracingHooks({ tracer }), timeoutMs: 100 });
    current = fake;
    fake.grantPermission(USER);
    fake.fault({ kind: "error", code: 131000, status: 500, details: `Bearer ${TOKEN} a=ice-pwd:SecretIcePassword1234567` }, { operation: "get_call_permissions" });
    fake.fault({ kind: "hang" }, { operation: "connect" });
    await client.getCallPermissions({ userWaId: USER });
    await client.connect({ to: USER, sdp: OFFER });
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThanOrEqual(5);
    const printed = spans.map((s) => JSON.stringify({ name: s.name, attributes: s.attributes, status: s.status, events: s.events }) + inspect(s.attributes)).join("\n");
    expect(printed).not.toContain(TOKEN);
    expect(printed).not.toContain("SecretIcePassword1234567");
    expect(printed).not.toMatch(/ice-(pwd|ufrag)/);
  });

  it("a tracer that throws leaves every call as it would be", async () => {
    const broken = { startSpan: () => { throw new Error("exporter down"); }, startActiveSpan: () => { throw new Error("exporter down"); } } as unknown as Tracer;
    const { fake, client } = await setup({}, { hooks: tracingHooks({ tracer: broken }) });
    current = fake;
    expect((await client.getCallingSettings()).isOk()).toBe(true);
  });

  it("maxOpenCalls bounds the calls traced at once; calls beyond it are not traced and not harmed", async () => {
    const { fake, client } = await setup({}, { hooks: tracingHooks({ tracer, maxOpenCalls: 2 }) });
    current = fake;
    fake.fault({ kind: "delay", ms: 50 }, { times: 5 });
    const results = await Promise.all(Array.from({ length: 5 }, () => client.getCallingSettings()));
    expect(results.every((r) => r.isOk())).toBe(true);
    expect(byName(exporter.getFinishedSpans(), "wacall get_settings")).toHaveLength(2);
    // Once those ended, new calls are traced again.
    await client.getCallingSettings();
    expect(byName(exporter.getFinishedSpans(), "wacall get_settings")).toHaveLength(3);
  });

  it("unusable options fall back to the defaults instead of throwing", () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const options of [null, 42, "x", { tracer: 1 }, { tracer: { startSpan: "no" } }, { maxOpenCalls: -1 }, { maxOpenCalls: Number.NaN }, revoked.proxy, { get tracer(): never { throw new Error("getter"); } }]) {
      const hooks = tracingHooks(options as never);
      expect(typeof hooks.onCallStart).toBe("function");
    }
  });
});
