import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance } from "../../examples/redis-instance.js";
import { startFakeCallingApi, type FakeCallingApi } from "../../src/testing/index.js";
import { toNodeListener } from "../../src/webhook/node.js";
import { startRedis, type RedisServer } from "./server.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe("examples/redis-instance.ts: two instances, one Redis", () => {
  it("a call placed on instance A follows the webhooks that instance B received, to its end", { timeout: 30_000 }, async () => {
    const appSecret = "app-secret-for-two-instances";
    // Meta delivers every webhook to instance B's endpoint; instance A places the call.
    let handlerOfB: ((request: Request) => Promise<Response>) | undefined;
    const endpointOfB: Server = createServer((req, res) => {
      if (handlerOfB === undefined) return void res.writeHead(503).end();
      toNodeListener(handlerOfB)(req, res);
    });
    await new Promise<void>((resolve) => endpointOfB.listen(0, "127.0.0.1", resolve));
    const { port } = endpointOfB.address() as AddressInfo;
    const fake: FakeCallingApi = await startFakeCallingApi({ webhook: { url: `http://127.0.0.1:${port}/`, appSecret } });
    const config = { redisUrl: redis.url, accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, appSecret, baseUrl: fake.url };
    const a = await startInstance(config);
    const b = await startInstance(config);
    handlerOfB = b.webhook;
    try {
      fake.grantPermission("15551234567");
      const call = a.call("15551234567", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");
      let callId: string | undefined;
      for (let i = 0; i < 200 && callId === undefined; i++) {
        callId = fake.calls()[0]?.id;
        if (callId === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      expect(callId).toMatch(/^wacid\./);
      await fake.userAnswers(callId as string);
      await fake.hangUp(callId as string);
      const end = await call;
      expect(end.isOk() && end.value._tag).toBe("Answered");
      // Instance A never received a webhook: B did, and Redis carried the events to A's pipeline.
      expect(fake.webhooks.length).toBeGreaterThan(0);
      expect(fake.webhooks.every((w) => w.status === 200)).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close(), fake.close(), new Promise<void>((r) => endpointOfB.close(() => r()))]);
    }
  });
});
