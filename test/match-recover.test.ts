import { err, errAsync, ok, okAsync, ResultAsync } from "neverthrow";
import { afterEach, describe, expect, it } from "vitest";
import { catchTags, decodeCallingResponse, graphError, type GraphError } from "wacall";
import { createCallingClient, sdpOffer } from "wacall/client";
import { startFakeCallingApi, type FakeCallingApi } from "wacall/testing";
import * as catchTagsExample from "../examples/catch-tags.js";

const permissionMissing = { status: 401, body: { error: { code: 138006, message: "(#138006) No approved call permission found" } } };
const duplicate = { status: 400, body: { error: { code: 138003, message: "(#138003) Duplicate call" } } };
const connected = { status: 200, body: { messaging_product: "whatsapp", calls: [{ id: "wacid.A1" }] } };

describe("catchTags on a Result", () => {
  const recover = {
    CallPermissionNotFound: () => ok("ask for permission" as const),
    DuplicateCall: (e: { readonly code: number }) => err({ _tag: "Busy" as const, code: e.code }),
  };
  it("turns a handled tag into what its handler returns", () => {
    expect(catchTags(decodeCallingResponse("connect", permissionMissing), recover)._unsafeUnwrap()).toBe("ask for permission");
    expect(catchTags(decodeCallingResponse("connect", duplicate), recover)._unsafeUnwrapErr()).toEqual({ _tag: "Busy", code: 138003 });
  });
  it("gives back a success, and an error without a handler, unchanged", () => {
    const placed = decodeCallingResponse("connect", connected);
    expect(catchTags(placed, recover)).toBe(placed);
    const limited = decodeCallingResponse("connect", { status: 429, body: { error: { code: 138005 } } });
    expect(catchTags(limited, recover)).toBe(limited);
  });
  it("calls only the handler of the tag, once, with the variant", () => {
    const seen: string[] = [];
    const r = catchTags(err<never, GraphError>(graphError("DuplicateCall")), {
      DuplicateCall: (e) => (seen.push(`dup ${e.code}`), ok(1)),
      CallPermissionNotFound: () => (seen.push("perm"), ok(2)),
    });
    expect(r._unsafeUnwrap()).toBe(1);
    expect(seen).toEqual(["dup 138003"]);
  });
  it("does not take inherited keys or non-functions for handlers", () => {
    const e = { _tag: "toString" as const };
    expect(catchTags(err(e), {})._unsafeUnwrapErr()).toBe(e);
    const dup = err(graphError("DuplicateCall"));
    expect(catchTags(dup, { DuplicateCall: "not a function" } as never)).toBe(dup);
  });
  it("returns a value that is not a result as it is", () => {
    const notAResult = { _tag: "DuplicateCall" };
    expect(catchTags(notAResult as never, { DuplicateCall: () => ok(1) } as never)).toBe(notAResult);
  });
});

describe("catchTags on a ResultAsync", () => {
  it("recovers with sync and async handlers, and re-raises the rest", async () => {
    const handlers = {
      CallPermissionNotFound: () => okAsync("asked" as const),
      DuplicateCall: () => ok("busy" as const),
      ConcurrentCallsLimit: (e: { readonly code: number }) => errAsync({ _tag: "Later" as const, code: e.code }),
    };
    const run = (code: number) => catchTags(errAsync(graphError(code === 138006 ? "CallPermissionNotFound" : code === 138003 ? "DuplicateCall" : code === 138002 ? "ConcurrentCallsLimit" : "CallRateLimitExceeded")), handlers);
    const r = run(138006);
    expect(r).toBeInstanceOf(ResultAsync);
    expect((await r)._unsafeUnwrap()).toBe("asked");
    expect((await run(138003))._unsafeUnwrap()).toBe("busy");
    expect((await run(138002))._unsafeUnwrapErr()).toEqual({ _tag: "Later", code: 138002 });
    expect((await run(138005))._unsafeUnwrapErr()._tag).toBe("CallRateLimitExceeded");
    expect((await catchTags(okAsync<number, { _tag: "X" }>(7), { X: () => ok(0) }))._unsafeUnwrap()).toBe(7);
  });
  it("recovers a real client's per-operation error (fake Calling API over loopback)", async () => {
    fake = await startFakeCallingApi({ accessToken: "EAAToken1234567890" });
    const client = createCallingClient({ baseUrl: fake.url, accessToken: "EAAToken1234567890", phoneNumberId: fake.phoneNumberId, retry: { maxAttempts: 1 } });
    const placed = catchTags(client.connect({ to: "15551234567", sdp: sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n") }), {
      CallPermissionNotFound: (e) => okAsync(`ask first (${e.operation}, ${e.attempts} attempt)`),
    });
    expect((await placed)._unsafeUnwrap()).toBe("ask first (connect, 1 attempt)");
  });
});

let fake: FakeCallingApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("catch-tags example", () => {
  it("answers DuplicateCall, turns CallPermissionNotFound into its own error, and passes the rest", () => {
    expect(catchTagsExample.example()).toEqual(["ok: wacid.HBgLMTY1NTU", "ok: already on a call", "ask first (trace AbC)", "failed: CallRateLimitExceeded"]);
  });
});
