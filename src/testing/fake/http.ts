/**
 * The fake's HTTP side: reads a request, checks the token, applies a scripted fault or the rules,
 * records the request (never the token) and writes Meta's answer.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { invalidParameter, metaError, type Answer } from "./envelopes.js";
import { answerWithFault, send, type FaultQueue } from "./faults.js";
import type { Rules } from "./rules.js";
import type { RecordedRequest } from "./types.js";

/** A request and what was put on the wire for it (no answer: dropped, hung, or cut mid-body). */
export interface Exchange {
  readonly request: RecordedRequest;
  readonly answer: Answer | undefined;
}

/** A `node:http` request listener serving the fake Calling API. */
/** The largest request body the fake reads (1 MiB). */
const MAX_REQUEST_BYTES = 1_048_576;

export function createFakeListener(ctx: {
  readonly accessToken: string;
  readonly clock: () => number;
  readonly rules: Rules;
  readonly faults: FaultQueue;
  readonly requests: RecordedRequest[];
  readonly onExchange?: (x: Exchange) => void;
}): (req: IncomingMessage, res: ServerResponse) => void {
  const { accessToken, clock, rules, faults, requests } = ctx;
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (c: Buffer) => {
      if (refused) return;
      size += c.length;
      // Calling API requests are a few kilobytes; a larger body is refused, not buffered.
      if (size > MAX_REQUEST_BYTES) {
        refused = true;
        chunks.length = 0;
        res.writeHead(413, { "content-type": "application/json", connection: "close" }).end(JSON.stringify({ error: { message: "Request body too large", type: "OAuthException", code: 100 } }));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      if (refused) return;
      let url: URL;
      try {
        url = new URL(req.url ?? "/", "http://127.0.0.1");
      } catch {
        res.writeHead(400, { "content-type": "text/plain" }).end("Bad request target");
        return;
      }
      const parts = url.pathname.split("/").filter((p) => p !== "");
      const query = Object.fromEntries(url.searchParams);
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = undefined;
      let badJson = false;
      if (raw !== "") {
        try {
          body = JSON.parse(raw);
        } catch {
          badJson = true;
        }
      }
      const authorized = req.headers.authorization === `Bearer ${accessToken}`;
      const { op, answer } = rules.handle(req.method ?? "GET", parts, query, body);
      const fault = faults.take(op);
      const request: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, operation: op, query, body, authorized, at: clock(), ...(fault !== undefined && { fault: fault.kind }) };
      requests.push(request);
      const sent = (a: Answer | undefined) => ctx.onExchange?.({ request, answer: a });

      const normal = (): Answer => {
        if (!authorized) return metaError("AccessTokenInvalid");
        if (badJson) return invalidParameter("The request body is not valid JSON");
        return answer();
      };
      if (fault === undefined) {
        const a = normal();
        send(res, a);
        return sent(a);
      }
      answerWithFault(req, res, fault, normal, sent);
    });
  };
}
