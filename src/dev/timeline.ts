/**
 * The dev console's timeline: every API request the app made and every webhook attempt, as
 * entries the page can show at a glance. Bodies are redacted (the token, the app secret, ICE
 * credentials and anything that looks like a secret) and every error is decoded by wacall's own
 * decoders, with its tag, category and retry advice.
 *
 * @module
 */
import { decodeGraphError } from "../decode.js";
import type { GraphError } from "../errors.js";
import { makeScrubber, redactDeep, redact, type Scrubber } from "../internal/redact.js";
import { decodeWebhookItems } from "../webhook/events.js";
import type { Exchange } from "../testing/fake/http.js";
import type { DeliveryAttempt } from "../testing/fake/outbox.js";

/** An error as the timeline shows it: what wacall's decoder made of it. */
export interface DecodedError {
  readonly tag: string;
  readonly code?: number;
  readonly category: string;
  readonly retryable: boolean;
  /** The retry advice kind (`backoff`, `at`, `after-permission`, …). */
  readonly advice: string;
  readonly message: string;
}

/** One line of the timeline. */
export type TimelineEntry =
  | {
      readonly kind: "request";
      readonly seq: number;
      readonly at: number;
      readonly method: string;
      readonly path: string;
      readonly operation: string;
      /** 0: no answer reached the app (the connection was dropped, hung or cut). */
      readonly status: number;
      readonly fault?: string;
      readonly requestBody: unknown;
      readonly responseBody: unknown;
      readonly error?: DecodedError;
    }
  | {
      readonly kind: "webhook";
      readonly seq: number;
      readonly at: number;
      readonly delivery: number;
      readonly attempt: number;
      readonly summary: string;
      /** The app's answer; 0 when it could not be reached. */
      readonly status: number;
      readonly retryAt?: number;
      readonly body: unknown;
      readonly errors: readonly DecodedError[];
    }
  | { readonly kind: "action"; readonly seq: number; readonly at: number; readonly text: string };

/** What the decoder says about an error, for display (strings redacted). */
export function describeError(e: GraphError, scrub?: Scrubber): DecodedError {
  return {
    tag: e._tag,
    ...(e._tag !== "MalformedResponse" && { code: e.code }),
    category: e.category,
    retryable: e.retryable,
    advice: e.advice.kind,
    message: redact(e.message, scrub).slice(0, 300),
  };
}

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The first call event of a delivery, in a few words (`status RINGING`, `terminate FAILED`). */
function summarize(body: unknown): string {
  const decoded = decodeWebhookItems(body);
  if (decoded.isErr()) return "unreadable delivery";
  const parts = decoded.value.events.map((e) => {
    switch (e._tag) {
      case "CallStatus":
        return `status ${e.status}`;
      case "CallConnect":
        return `connect ${e.direction ?? ""} (SDP ${e.session?.sdpType ?? "none"})`;
      case "CallTerminate":
        return `terminate ${e.status}`;
      case "CallPermissionReply":
        return `permission reply ${e.response}${e.isPermanent ? " (permanent)" : ""}`;
      default:
        return e._tag;
    }
  });
  return parts.join(", ") || "delivery without call events";
}

/** Builds entries, numbered, with bodies redacted against the token and the app secret. */
export function createTimelineBuilder(secrets: readonly string[]) {
  const scrub = makeScrubber(secrets);
  let seq = 0;
  return {
    scrub,
    request(x: Exchange): TimelineEntry {
      const { request, answer } = x;
      const status = answer?.status ?? 0;
      const failed = answer !== undefined && (status >= 400 || (isDict(answer.body) && answer.body["success"] === false) || typeof answer.body === "string");
      const error = failed ? describeError(decodeGraphError(answer.body, { status, ...(answer.headers !== undefined && { headers: answer.headers }) }), scrub) : undefined;
      return {
        kind: "request",
        seq: ++seq,
        at: request.at,
        method: request.method,
        path: redact(request.path, scrub).slice(0, 200),
        operation: request.operation ?? "unknown",
        status,
        ...(request.fault !== undefined && { fault: request.fault }),
        requestBody: redactDeep(request.body, scrub),
        responseBody: answer === undefined ? null : redactDeep(answer.body, scrub),
        ...(error !== undefined && { error }),
      };
    },
    webhook(a: DeliveryAttempt): TimelineEntry {
      const decoded = decodeWebhookItems(a.body);
      const errors = decoded.isOk() ? decoded.value.events.flatMap((e) => (e._tag === "CallTerminate" ? e.errors.map((g) => describeError(g, scrub)) : [])) : [];
      return {
        kind: "webhook",
        seq: ++seq,
        at: a.at,
        delivery: a.delivery,
        attempt: a.attempt,
        summary: summarize(a.body),
        status: a.status,
        ...(a.retryAt !== undefined && { retryAt: a.retryAt }),
        body: redactDeep(a.body, scrub),
        errors,
      };
    },
    action(at: number, text: string): TimelineEntry {
      return { kind: "action", seq: ++seq, at, text: redact(text, scrub).slice(0, 300) };
    },
  };
}
