import fc from "fast-check";
import { test } from "@fast-check/vitest";
import { isDeepStrictEqual } from "node:util";
import { describe, expect } from "vitest";
import { encodeWebhookError, graphError } from "wacall";
import { connectChange, delivery, permissionReplyChange, statusChange, terminateChange, type Change } from "wacall/testing";
import { createWebhookHandler, decodeWebhook, decodeWebhookItems, eventKey, memoryDedupeStore, signBody, type CallEvent } from "wacall/webhook";

const arbId = fc.string({ unit: fc.constantFrom(..."ABCDEFabcdef0123456789"), minLength: 4, maxLength: 12 });
const arbTime = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 });

/** One change holding one event, with the tag it must decode to. */
const arbChange: fc.Arbitrary<{ change: Change; tag: CallEvent["_tag"] }> = fc.oneof(
  fc.record({ id: arbId, t: arbTime, dir: fc.constantFrom("USER_INITIATED" as const, "BUSINESS_INITIATED" as const) }).map(({ id, t, dir }) => ({
    change: connectChange({ callId: `wacid.${id}`, from: "1555", to: "1666", direction: dir, timestamp: t, sdp: { type: "offer", sdp: "v=0\r\n" } }),
    tag: "CallConnect" as const,
  })),
  fc.record({ id: arbId, t: arbTime, status: fc.constantFrom("COMPLETED", "FAILED", "Failed", "REJECTED"), code: fc.constantFrom(138019, 138020, 138021, 138022, 138023) }).map(({ id, t, status, code }) => ({
    change: terminateChange({ callId: `wacid.${id}`, from: "1", to: "2", direction: "USER_INITIATED", timestamp: t, status, errors: status === "COMPLETED" ? [] : [encodeWebhookError({ ...graphError("MediaReceiveTimeout"), code })] }),
    tag: "CallTerminate" as const,
  })),
  fc.record({ id: arbId, t: arbTime, status: fc.constantFrom("RINGING", "ACCEPTED", "REJECTED") }).map(({ id, t, status }) => ({
    change: statusChange({ callId: `wacid.${id}`, status, recipientId: "1555", timestamp: t }),
    tag: "CallStatus" as const,
  })),
  fc.record({ id: arbId, t: arbTime, accept: fc.boolean(), num: fc.boolean() }).map(({ id, t, accept, num }) => ({
    change: permissionReplyChange({ from: "1555", messageId: `wamid.${id}`, timestamp: t, response: accept ? "accept" : "reject", isPermanent: !accept, expiresAt: t + 1000, expirationAsNumber: num }),
    tag: "CallPermissionReply" as const,
  })),
);

/** Replace the value at a random path of a JSON value. */
function mutate(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== "object") return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[(path[0] ?? 0) % keys.length] as string;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  copy[key] = mutate((value as Record<string, unknown>)[key], path.slice(1), replacement);
  return copy;
}

describe("webhook laws", () => {
  test.prop([fc.anything({ withNullPrototype: true, withObjectString: true })])("decodeWebhook is total over anything", (v) => {
    const r = decodeWebhook(v);
    expect(r.isOk() || r.isErr()).toBe(true);
  });
  test.prop([fc.json()])("decodeWebhook is total over arbitrary JSON text", (text) => {
    const r = decodeWebhook(text);
    if (r.isErr()) expect(r.error.path.startsWith("$")).toBe(true);
  });
  test.prop([fc.array(arbChange, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 8 }), fc.jsonValue()])(
    "decodeWebhook is total over mutated real deliveries",
    (changes, path, replacement) => {
      const body = mutate(delivery(changes.map((c) => c.change)), path, replacement);
      const r = decodeWebhook(JSON.stringify(body));
      expect(r.isOk() || r.isErr()).toBe(true);
    },
  );
  test.prop([fc.array(fc.array(arbChange, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 })])(
    "every event of a generated batch is returned exactly once, in order",
    (entries) => {
      const body = { object: "whatsapp_business_account", entry: entries.map((changes, i) => ({ id: String(i), changes: changes.map((c) => c.change) })) };
      const events = decodeWebhook(JSON.stringify(body))._unsafeUnwrap();
      expect(events.map((e) => e._tag)).toEqual(entries.flat().map((c) => c.tag));
    },
  );
  test.prop([fc.array(fc.string(), { maxLength: 30 })])("dedupe never drops a first delivery", (keys) => {
    const store = memoryDedupeStore({ maxKeys: 1000 });
    const seen = new Set<string>();
    for (const k of keys) {
      expect(store.isHandled(k)).toBe(seen.has(k));
      store.markHandled(k);
      seen.add(k);
    }
  });
  test.prop([arbChange, fc.constantFrom("GET", "POST", "PUT", "DELETE"), fc.option(fc.string(), { nil: undefined }), fc.boolean(), fc.string()], { numRuns: 60 })(
    "the handler answers every request with a status and never throws",
    async ({ change }, method, signature, signRight, query) => {
      const events: string[] = [];
      const handler = createWebhookHandler({ appSecret: "k", verifyToken: "v", onEvent: async (e) => void events.push(await eventKey(e)), awaitHandlers: true });
      const body = JSON.stringify(delivery([change]));
      const sig = signRight ? await signBody(body, "k") : signature;
      const init: RequestInit = { method, ...(method !== "GET" && { body }), headers: sig === undefined ? {} : { "x-hub-signature-256": sig } };
      const res = await handler(new Request(`https://x.test/h?${encodeURIComponent(query)}`, init));
      expect([200, 401, 403, 405]).toContain(res.status);
      if (method === "POST" && signRight) {
        expect(res.status).toBe(200);
        expect(events).toHaveLength(1);
      }
    },
  );
  test.prop([fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 70, maxLength: 80 }), fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 })])(
    "unknown events sharing a long prefix get the same key only when they are the same item",
    async (prefix, x, y) => {
      const keyOf = async (last: unknown) => {
        const [e] = decodeWebhookItems(JSON.stringify(delivery([{ field: "account_update", value: { items: [...prefix, last] } }])))._unsafeUnwrap().events;
        return e === undefined ? "" : eventKey(e);
      };
      const same = isDeepStrictEqual(JSON.parse(JSON.stringify([x])), JSON.parse(JSON.stringify([y])));
      expect((await keyOf(x)) === (await keyOf(y))).toBe(same);
    },
  );
});
