/**
 * Entry point of the smoke suite on workerd (bundled with esbuild into one module):
 * - `POST /smoke` with a {@link SmokeInput}: the smoke checks, as JSON;
 * - `POST /keepalive?server=…&token=…`: the reused-connection scenario;
 * - `POST /webhook?server=…&token=…&mode=default|await|ctx`: a webhook handler whose `onEvent`
 *   reports `started`, waits, then reports `finished` to the test server, so the test process
 *   sees whether work after the response survives (`ctx`: the execution context is passed on).
 *
 * @module
 */
import { createWebhookHandler } from "../../src/webhook/handler.js";
import { keepAliveConnect } from "./keepalive.js";
import { runSmoke, type SmokeInput } from "./smoke.js";

/** The part of the Workers execution context this worker uses. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

const SECRET = "smoke-app-secret";

function backgroundHandler(server: string, token: string, mode: string) {
  return createWebhookHandler({
    appSecret: SECRET,
    verifyToken: "v",
    awaitHandlers: mode === "await",
    onEvent: async () => {
      await fetch(`${server}/bg/${token}/started`, { method: "POST" });
      await new Promise((r) => setTimeout(r, 150));
      await fetch(`${server}/bg/${token}/finished`, { method: "POST" });
    },
  });
}

export default {
  async fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const q = (name: string) => url.searchParams.get(name) ?? "";
    if (url.pathname === "/smoke") return Response.json(await runSmoke((await request.json()) as SmokeInput));
    if (url.pathname === "/keepalive") return Response.json(await keepAliveConnect(q("server"), q("token")));
    if (url.pathname === "/webhook") {
      const handler = backgroundHandler(q("server"), q("token"), q("mode"));
      return q("mode") === "ctx" ? handler(request, env, ctx) : handler(request);
    }
    return new Response("not found", { status: 404 });
  },
};
