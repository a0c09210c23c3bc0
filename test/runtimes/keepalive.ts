/**
 * The reused-connection scenario: a read opens a keep-alive connection, then `connect` goes out
 * while the server closes that connection (graph-server.ts, behaviour `keepalive`). Runs on any
 * runtime; the test process counts what the server saw.
 *
 * @module
 */
import { createCallingClient } from "../../src/client/client.js";
import { sdpOffer } from "../../src/client/types.js";
import { phoneIds } from "./phone-ids.js";

/** What the client reported for the read and for `connect`. */
export interface KeepAliveReport {
  readonly read: string;
  readonly connect: string;
}

/** Reads the settings, then connects, on the `keepalive` behaviour, through `fetchImpl` if given. */
export async function keepAliveConnect(server: string, token: string, fetchImpl?: typeof fetch): Promise<KeepAliveReport> {
  const client = createCallingClient({
    accessToken: token,
    phoneNumberId: phoneIds.keepalive,
    baseUrl: server,
    timeoutMs: 3_000,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 5_000 },
    ...(fetchImpl !== undefined && { fetch: fetchImpl }),
  });
  const read = await client.getCallingSettings();
  // Give the connection back to the pool (Node's fetch returns it a moment after the body ends).
  await new Promise((resolve) => setTimeout(resolve, 50));
  const connect = await client.connect({ to: "15551234567", sdp: sdpOffer("v=0\r\n") });
  return {
    read: read.isOk() ? "ok" : read.error._tag,
    connect: connect.isOk() ? `ok ${connect.value}` : `${connect.error._tag}${"cause" in connect.error ? ` ${String(connect.error.cause)}` : ""}`,
  };
}
