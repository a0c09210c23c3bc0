import { createServer } from "node:net";
import { createCallingClient, sdpAnswer, sdpOffer, type CallingClientOptions } from "wacall/client";
import { startFakeCallingApi, type FakeCallingApi, type FakeCallingApiOptions } from "wacall/testing";

export const TOKEN = "EAAFakeTokenForTests1234567890abcdef";
export const USER = "15551234567";
export const OFFER = sdpOffer("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:Ab12\r\na=ice-pwd:SecretIcePassword1234567\r\n");
export const ANSWER = sdpAnswer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");

/** Fast retry settings so fault scenarios finish quickly (the timeout leaves room for a loaded machine). */
export const fast = { timeoutMs: 400, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, deadlineMs: 2_000 }, random: () => 0.5 } as const;

export async function setup(fakeOptions: FakeCallingApiOptions = {}, clientOptions: Partial<CallingClientOptions> = {}) {
  const fake = await startFakeCallingApi({ accessToken: TOKEN, ...fakeOptions });
  const client = createCallingClient({ baseUrl: fake.url, accessToken: TOKEN, phoneNumberId: fake.phoneNumberId, ...fast, ...clientOptions });
  return { fake, client };
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The requests of one operation the fake saw. */
export const sent = (fake: FakeCallingApi, operation: string) => fake.requests.filter((r) => r.operation === operation).length;

/** Asserts that nothing secret appears in a value once serialized. */
export function leaksNothing(value: unknown): boolean {
  const text = JSON.stringify(value);
  return !text.includes(TOKEN) && !text.includes("SecretIcePassword1234567");
}
