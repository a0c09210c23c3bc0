/**
 * Faults scripted per request: what they are, the queue that hands them out, and how each one
 * bends the answer on the wire.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Operation } from "../../catalog.js";
import { errorForCode, type Answer } from "./envelopes.js";

/** A fault to inject into one or more requests instead of (or around) the normal answer. */
export type Fault =
  /** Wait, then answer normally. */
  | { readonly kind: "delay"; readonly ms: number }
  /** Never answer (until the server closes). */
  | { readonly kind: "hang" }
  /** Drop the connection before the request is processed (no state change). */
  | { readonly kind: "reset-before-processing" }
  /** Process the request (state changes, e.g. the call is placed), then drop the connection. */
  | { readonly kind: "reset-after-processing" }
  /** Process, send the headers and half of the body, then drop the connection. */
  | { readonly kind: "reset-mid-response" }
  /** Answer with a proxy's HTML error page (not processed). */
  | { readonly kind: "html"; readonly status?: number }
  /** Process, then answer 200 with the first half of the JSON body. */
  | { readonly kind: "truncated-json" }
  /** Answer 200 `{"success": false}` (not processed). */
  | { readonly kind: "success-false" }
  /** Answer 429 with `Retry-After` and a rate-limit error (default code 130429). */
  | { readonly kind: "rate-limit"; readonly retryAfterSeconds: number; readonly code?: number }
  /** Answer with Meta's error for `code` (status from the catalog unless given). */
  | { readonly kind: "error"; readonly code: number; readonly status?: number; readonly details?: string };

/** The faults not used yet, in the order they were scripted. */
export interface FaultQueue {
  /** Scripts `fault` for the next `times` requests (of `operation`, if given). */
  push(fault: Fault, operation: Operation | undefined, times: number): void;
  /** The first fault that applies to a request of `op`, counted as used once. */
  take(op: Operation | undefined): Fault | undefined;
  clear(): void;
  /** What is still scripted (for display). */
  pending(): readonly { readonly fault: Fault; readonly operation: Operation | undefined; readonly remaining: number }[];
}

/** An empty fault queue. */
export function createFaultQueue(): FaultQueue {
  const faults: { fault: Fault; operation: Operation | undefined; remaining: number }[] = [];
  return {
    push(fault, operation, times) {
      faults.push({ fault, operation, remaining: times });
    },
    take(op) {
      const i = faults.findIndex((f) => f.operation === undefined || f.operation === op);
      if (i === -1) return undefined;
      const entry = faults[i];
      if (entry === undefined) return undefined;
      entry.remaining -= 1;
      if (entry.remaining <= 0) faults.splice(i, 1);
      return entry.fault;
    },
    clear() {
      faults.length = 0;
    },
    pending: () => faults.map((f) => ({ ...f })),
  };
}

/** Writes an answer: JSON, or HTML when the body is a string. */
export function send(res: ServerResponse, a: Answer): void {
  const text = typeof a.body === "string" ? a.body : JSON.stringify(a.body);
  res.writeHead(a.status, { "content-type": typeof a.body === "string" ? "text/html; charset=utf-8" : "application/json", ...a.headers });
  res.end(text);
}

const badGateway = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";

/**
 * Answers a request under `fault`: `normal` processes it (state changes included) and gives the
 * answer Meta would send. Returns what was put on the wire (status 0: the connection was dropped
 * or no answer was sent yet), for the record.
 */
export function answerWithFault(req: IncomingMessage, res: ServerResponse, fault: Fault, normal: () => Answer, sent: (a: Answer | undefined) => void): void {
  switch (fault.kind) {
    case "delay":
      setTimeout(() => {
        if (res.destroyed) return sent(undefined);
        const a = normal();
        send(res, a);
        sent(a);
      }, fault.ms);
      return;
    case "hang":
      return sent(undefined);
    case "reset-before-processing":
      req.socket.destroy();
      return sent(undefined);
    case "reset-after-processing":
      normal();
      req.socket.destroy();
      return sent(undefined);
    case "reset-mid-response": {
      const a = normal();
      const text = JSON.stringify(a.body);
      res.writeHead(a.status, { "content-type": "application/json", "content-length": String(text.length) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      setTimeout(() => req.socket.destroy(), 5);
      return sent(undefined);
    }
    case "html": {
      const a = { status: fault.status ?? 502, body: badGateway };
      send(res, a);
      return sent(a);
    }
    case "truncated-json": {
      const a = normal();
      const text = JSON.stringify(a.body);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return sent({ status: 200, body: text.slice(0, Math.floor(text.length / 2)) });
    }
    case "success-false": {
      const a = { status: 200, body: { success: false } };
      send(res, a);
      return sent(a);
    }
    case "rate-limit": {
      const a = { ...errorForCode(fault.code ?? 130429, 429), headers: { "retry-after": String(fault.retryAfterSeconds) } };
      send(res, a);
      return sent(a);
    }
    case "error": {
      const a = errorForCode(fault.code, fault.status, fault.details);
      send(res, a);
      return sent(a);
    }
  }
}
