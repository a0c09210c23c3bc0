import fc from "fast-check";
import { test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { createCallingClient } from "wacall/client";
import { leaks } from "./leaks.js";
import { OFFER, USER } from "./helpers.js";
import { graphErrorBody, rawServer, respond, type RawServer } from "./raw-server.js";

/** How the server writes the token it received back into its answer. */
type Form = "plain" | "percent" | "json-in-string" | "base64-basic";
const arbForm = fc.constantFrom<Form>("plain", "percent", "json-in-string", "base64-basic");

const encode = (token: string, form: Form): string => {
  switch (form) {
    case "plain":
      return token;
    case "percent":
      return encodeURIComponent(token);
    case "json-in-string":
      return JSON.stringify({ access_token_was: token });
    case "base64-basic":
      return `Basic ${Buffer.from(`user:${token}`).toString("base64")} / ${Buffer.from(token).toString("base64")}`;
  }
};

/** Where the server echoes it. */
const fields = ["message", "details", "error_user_msg", "error_user_title", "fbtrace_id", "type", "extra", "www-authenticate", "location"] as const;
type Field = (typeof fields)[number];

/** Printable ASCII (space included): a token with a space is refused before sending; any other is sent. */
const arbToken = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 8, maxLength: 64 }).filter((t) => t.trim() !== "");

let server: RawServer;
/** What the next answer echoes; set by each run. */
let plan: { echo: readonly (readonly [Field, Form])[]; status: number; code: number } = { echo: [], status: 400, code: 100 };

beforeAll(async () => {
  server = await rawServer((req, socket) => {
    const token = (req.headers["authorization"] ?? "").replace(/^Bearer /, "");
    const error: Record<string, unknown> = { code: plan.code, message: "Invalid request" };
    const headers: Record<string, string> = { "content-type": "application/json" };
    for (const [field, form] of plan.echo) {
      const text = encode(token, form);
      if (field === "details") error["error_data"] = { details: text };
      else if (field === "extra") error["extra"] = { nested: [text] };
      else if (field === "www-authenticate") {
        delete error["message"];
        headers["www-authenticate"] = `Bearer realm="graph", error="invalid_token", error_description="${text.replace(/["\\\r\n]/g, "")}"`;
      } else if (field === "location") headers["location"] = `/v23.0/?t=${encodeURIComponent(token)}`;
      else error[field] = text;
    }
    const redirect = plan.echo.some(([f]) => f === "location") && plan.status >= 500;
    respond(socket, redirect ? 302 : plan.status, headers, graphErrorBody(error));
  });
});
afterAll(() => server.close());

describe("never leaks the token it holds", () => {
  test.prop(
    [
      arbToken,
      fc.uniqueArray(fc.tuple(fc.constantFrom(...fields), arbForm), { minLength: 1, maxLength: 5, selector: ([f]) => f }),
      fc.constantFrom(400, 401, 403, 500, 503),
      fc.constantFrom(0, 1, 2, 4, 100, 190, 131000, 131016, 138006, 4242),
      fc.constantFrom("connect", "get_call_permissions", "terminate"),
    ],
    { numRuns: 60, timeout: 5_000 },
  )("for any printable token echoed in any fields and forms, nothing the client returns contains it", async (token, echo, status, code, op) => {
    plan = { echo, status, code };
    const client = createCallingClient({
      baseUrl: server.url,
      accessToken: token,
      phoneNumberId: "1",
      timeoutMs: 1_000,
      retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 1, deadlineMs: 2_000 },
    });
    const result =
      op === "connect"
        ? await client.connect({ to: USER, sdp: OFFER })
        : op === "terminate"
          ? await client.terminate({ callId: "wacid.ABC" as never })
          : await client.getCallPermissions({ userWaId: USER });
    expect(result.isErr()).toBe(true);
    expect(leaks(result, token)).toEqual([]);
  });
});
