/**
 * `wacall/otel`: OpenTelemetry spans for the Calling API client, through its hooks. Needs
 * `@opentelemetry/api` (an optional peer dependency); nothing else in wacall loads it.
 *
 * One span per method call (`wacall connect`, kind `INTERNAL`), child of the span active when the
 * method was called, and one child span per HTTP attempt (`POST /v23.0/{phone_number_id}/calls`,
 * kind `CLIENT`) with the attributes of OpenTelemetry's HTTP client conventions where they fit.
 * Spans carry the same facts as the hooks: never the token, a header, a body or a message.
 *
 * @module
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from "@opentelemetry/api";
import type { AttemptEndInfo, CallEndInfo, CallStartInfo, ClientHooks } from "../client/hooks.js";

/** Options of {@link tracingHooks}. */
export interface TracingOptions {
  /**
   * The tracer spans are made with.
   * @default trace.getTracer("wacall")
   */
  readonly tracer?: Tracer;
  /**
   * Calls traced at the same time. A call started beyond it gets no span (its attempts neither),
   * so that memory stays bounded even if spans are never ended.
   * @default 10000
   */
  readonly maxOpenCalls?: number;
}

/** Default values of {@link TracingOptions}. */
export const tracingDefaults = { tracerName: "wacall", maxOpenCalls: 10_000 } as const;

/** Epoch milliseconds with sub-millisecond precision where the runtime has it: one clock for every span. */
function clock(): number {
  if (typeof performance !== "undefined" && typeof performance.timeOrigin === "number" && performance.timeOrigin > 0) return performance.timeOrigin + performance.now();
  return Date.now();
}

/** The tracer and limit of the options; anything unusable falls back to the default. Never throws. */
function readOptions(options: unknown): { tracer: Tracer; maxOpenCalls: number } {
  let tracer: unknown;
  let max: unknown;
  try {
    if (typeof options === "object" && options !== null) {
      tracer = (options as TracingOptions).tracer;
      max = (options as TracingOptions).maxOpenCalls;
    }
  } catch {
    // Unreadable options: the defaults.
  }
  let usable = false;
  try {
    usable = typeof tracer === "object" && tracer !== null && typeof (tracer as Tracer).startSpan === "function";
  } catch {
    usable = false;
  }
  return {
    tracer: usable ? (tracer as Tracer) : trace.getTracer(tracingDefaults.tracerName),
    maxOpenCalls: typeof max === "number" && Number.isFinite(max) && max >= 0 ? Math.floor(max) : tracingDefaults.maxOpenCalls,
  };
}

/** The attributes of an attempt span: OpenTelemetry's HTTP client names, and `wacall.*` for the rest. */
function attemptAttributes(info: AttemptEndInfo): Attributes {
  return {
    "http.request.method": info.method,
    "url.template": info.urlTemplate,
    "server.address": info.serverAddress,
    "server.port": info.serverPort,
    "wacall.operation": info.operation,
    ...(info.attempt > 1 && { "http.request.resend_count": info.attempt - 1 }),
    ...(info.httpStatus !== undefined && { "http.response.status_code": info.httpStatus }),
    ...(info.errorTag !== undefined && { "error.type": info.errorTag }),
    ...(info.errorCategory !== undefined && { "wacall.error.category": info.errorCategory }),
    ...(info.errorCode !== undefined && { "wacall.error.code": info.errorCode }),
    ...(info.networkErrorCode !== undefined && { "wacall.network.error_code": info.networkErrorCode }),
    ...(info.retryDelayMs !== undefined && { "wacall.retry.delay_ms": info.retryDelayMs }),
  };
}

/** The attributes a call span gets when it ends. */
function endAttributes(info: CallEndInfo): Attributes {
  return {
    "wacall.attempts": info.attempts,
    ...(info.httpStatus !== undefined && { "http.response.status_code": info.httpStatus }),
    ...(info.errorTag !== undefined && { "error.type": info.errorTag }),
    ...(info.errorCategory !== undefined && { "wacall.error.category": info.errorCategory }),
    ...(info.errorCode !== undefined && { "wacall.error.code": info.errorCode }),
    ...(info.retryable !== undefined && { "wacall.error.retryable": info.retryable }),
  };
}

/**
 * Client hooks that trace every call with OpenTelemetry: a span per call, a child span per HTTP
 * attempt, `error.type` set to the error's `_tag` and the status set to `ERROR` when it failed.
 * Pass them as the client's `hooks` (alone or in a list with your own). The span of a call is a
 * child of the span active when its method was called (with a context manager registered, as the
 * Node SDK does).
 *
 * @example
 * import { trace } from "@opentelemetry/api";
 * import { createCallingClient } from "wacall/client";
 * import { tracingHooks } from "wacall/otel";
 *
 * const client = createCallingClient({
 *   accessToken: process.env.WA_TOKEN!,
 *   phoneNumberId: "1234567890",
 *   hooks: tracingHooks({ tracer: trace.getTracer("my-app") }),
 * });
 */
export function tracingHooks(options: TracingOptions = {}): ClientHooks {
  const { tracer, maxOpenCalls } = readOptions(options);
  /** The span of each call in flight and the context its attempts are made in, by `seq`. */
  const open = new Map<number, { readonly span: Span; readonly context: Context; readonly startedAt: number }>();

  return {
    onCallStart(info: CallStartInfo): void {
      if (open.size >= maxOpenCalls) return;
      const startedAt = clock();
      const parent = context.active();
      const span = tracer.startSpan(
        `wacall ${info.operation}`,
        {
          kind: SpanKind.INTERNAL,
          startTime: startedAt,
          attributes: { "wacall.operation": info.operation, ...(info.phoneNumberId !== undefined && { "wacall.phone_number_id": info.phoneNumberId }) },
        },
        parent,
      );
      open.set(info.seq, { span, context: trace.setSpan(parent, span), startedAt });
    },
    onAttemptEnd(info: AttemptEndInfo): void {
      const call = open.get(info.seq);
      if (call === undefined) return;
      const endedAt = clock();
      const span = tracer.startSpan(
        `${info.method} ${info.urlTemplate}`,
        { kind: SpanKind.CLIENT, startTime: Math.max(call.startedAt, endedAt - info.durationMs), attributes: attemptAttributes(info) },
        call.context,
      );
      if (!info.ok) span.setStatus({ code: SpanStatusCode.ERROR, ...(info.errorTag !== undefined && { message: info.errorTag }) });
      span.end(endedAt);
    },
    onCallEnd(info: CallEndInfo): void {
      const call = open.get(info.seq);
      if (call === undefined) return;
      open.delete(info.seq);
      call.span.setAttributes(endAttributes(info));
      if (!info.ok) call.span.setStatus({ code: SpanStatusCode.ERROR, ...(info.errorTag !== undefined && { message: info.errorTag }) });
      call.span.end(clock());
    },
  };
}
