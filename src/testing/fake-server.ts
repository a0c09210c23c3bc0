/**
 * A fake Calling API on loopback: a real HTTP server that follows Meta's rules (permissions,
 * limits, duplicate calls, settings) and answers with Meta's exact envelopes, with faults that
 * can be scripted per request. For tests and demos without a Meta account.
 *
 * Its parts live under `./fake/`: the state (`state.ts`), Meta's rules (`rules.ts`), the user's
 * side (`user.ts`), faults (`faults.ts`), webhooks sent (`outbox.ts`) and HTTP (`http.ts`),
 * joined in `core.ts`.
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createFakeCore } from "./fake/core.js";
import type { FakeCallingApi, FakeCallingApiOptions } from "./fake/types.js";

export type { Fault } from "./fake/faults.js";
export type { FakeCall, FakeCallingApi, FakeCallingApiOptions, FakeLimits, RecordedRequest, SentWebhook } from "./fake/types.js";

/**
 * Starts a fake Calling API on `127.0.0.1` (a free port).
 *
 * @example
 * const fake = await startFakeCallingApi();
 * const client = createCallingClient({ baseUrl: fake.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId });
 * fake.grantPermission("15551234567");
 * await client.connect({ to: "15551234567", sdp: sdpOffer("v=0\r\n…") });
 * await fake.close();
 */
export async function startFakeCallingApi(options: FakeCallingApiOptions = {}): Promise<FakeCallingApi> {
  const core = createFakeCore(options);
  const sockets = new Set<Socket>();
  const server = createServer(core.listener);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...core.api,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        core.outbox.close();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
