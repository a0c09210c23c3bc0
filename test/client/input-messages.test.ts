/**
 * Input a caller gets wrong is `InvalidInput` whose message says what to give instead, and
 * nothing is sent.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createCallEventSource, createCallingClient, ensureCallPermission, placeCall, sdpOffer, type PlaceCallInput } from "wacall/client";
import type { FakeCallingApi } from "wacall/testing";
import { setup } from "./helpers.js";

let fake: FakeCallingApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const OFFER = sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");

describe("a pipeline's input that is not an object", () => {
  it.each([undefined, null, "15551234567", 42])("placeCall(%s) names the object it expects, not a throwing getter", async (input) => {
    const s = await setup();
    fake = s.fake;
    const source = createCallEventSource();
    const r = await placeCall(s.client, source, input as unknown as PlaceCallInput);
    await source.close();
    const e = r._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field: "input" });
    expect(e.message).toMatch(/expected an object \{ to/);
    expect(e.message).not.toMatch(/getter|Proxy/);
    expect(s.fake.requests).toHaveLength(0);
  });

  it.each([undefined, null, "15551234567"])("ensureCallPermission(%s) names the object it expects, not a throwing getter", async (input) => {
    const s = await setup();
    fake = s.fake;
    const r = await ensureCallPermission(s.client, input as unknown as { user: string; requestBody: string });
    const e = r._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field: "input" });
    expect(e.message).toMatch(/expected an object \{ user, requestBody \}/);
    expect(e.message).not.toMatch(/getter|Proxy/);
    expect(s.fake.requests).toHaveLength(0);
  });

  it("an input whose getter throws still says so", async () => {
    const s = await setup();
    fake = s.fake;
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error("hostile");
        },
      },
    );
    const source = createCallEventSource();
    const placed = await placeCall(s.client, source, hostile as PlaceCallInput);
    await source.close();
    expect(placed._unsafeUnwrapErr().message).toMatch(/getter or Proxy threw/);
    const ensured = await ensureCallPermission(s.client, hostile as { user: string; requestBody: string });
    expect(ensured._unsafeUnwrapErr().message).toMatch(/getter or Proxy threw/);
  });
});

describe("a phone number written for people", () => {
  it.each(["+1 555 123 4567", "1-555-123-4567", "(555) 123-4567"])("connect to %s says to send digits only", async (to) => {
    const s = await setup();
    fake = s.fake;
    const e = (await s.client.connect({ to, sdp: OFFER }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field: "to" });
    expect(e.message).toMatch(/digits only/);
    expect(e.message).toContain("e.g. 15551234567");
    expect(s.fake.requests).toHaveLength(0);
  });

  it("a leading + is accepted", async () => {
    const s = await setup();
    fake = s.fake;
    expect((await s.client.getCallPermissions({ userWaId: "+15551234567" })).isOk()).toBe(true);
  });

  it("the permission look-up says the same for userWaId", async () => {
    const s = await setup();
    fake = s.fake;
    const e = (await s.client.getCallPermissions({ userWaId: "+1 555-123-4567" }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field: "userWaId" });
    expect(e.message).toMatch(/digits only/);
  });
});

describe("a base URL copied with the Graph version in it", () => {
  it.each(["/v23.0", "/v23.0/", "/v25.0/1234567890", "/graph/v24.0"])("baseUrl + %s is InvalidInput that says to use apiVersion, and nothing is sent", async (path) => {
    const s = await setup();
    fake = s.fake;
    const client = createCallingClient({ baseUrl: `${s.fake.url}${path}`, accessToken: s.fake.accessToken, phoneNumberId: s.fake.phoneNumberId });
    const e = (await client.getCallingSettings())._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field: "baseUrl" });
    expect(e.message).toMatch(/apiVersion/);
    expect(e.message).toContain("https://graph.facebook.com");
    expect(s.fake.requests).toHaveLength(0);
  });

  it("a base URL with another path (a proxy's) is still accepted", async () => {
    const s = await setup();
    fake = s.fake;
    const client = createCallingClient({ baseUrl: `${s.fake.url}/`, accessToken: s.fake.accessToken, phoneNumberId: s.fake.phoneNumberId });
    expect((await client.getCallingSettings()).isOk()).toBe(true);
    const proxied = createCallingClient({ baseUrl: `${s.fake.url}/graph-proxy/v2-routes`, accessToken: s.fake.accessToken, phoneNumberId: s.fake.phoneNumberId, retry: { maxAttempts: 1 } });
    // The fake serves no such prefix: the request was sent (and answered), not refused before sending.
    expect((await proxied.getCallingSettings())._unsafeUnwrapErr()._tag).not.toBe("InvalidInput");
  });
});

describe("a phone number given where its id goes", () => {
  it.each(["+1 555 000 9999", "+15550009999", undefined])("phoneNumberId %s says where the id is found", async (phoneNumberId) => {
    const s = await setup();
    fake = s.fake;
    const client = createCallingClient({ baseUrl: s.fake.url, accessToken: s.fake.accessToken, phoneNumberId: phoneNumberId as string });
    const e = (await client.getCallingSettings())._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field: "phoneNumberId" });
    expect(e.message).toMatch(/API Setup/);
    expect(e.message).toMatch(/not the phone number/);
    expect(s.fake.requests).toHaveLength(0);
  });
});

describe("an SDP helper given the description object instead of its text", () => {
  it("connect says the helpers take the SDP text", async () => {
    const s = await setup();
    fake = s.fake;
    s.fake.grantPermission("15551234567");
    const description = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
    const e = (await s.client.connect({ to: "15551234567", sdp: sdpOffer(description as unknown as string) }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ _tag: "InvalidInput", field: "sdp" });
    expect(e.message).toMatch(/empty/);
    expect(e.message).toMatch(/localDescription\.sdp/);
    expect(s.fake.requests).toHaveLength(0);
  });
});
