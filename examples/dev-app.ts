/**
 * A small calling app to point at `wacall dev`: wacall's client, its webhook handler on node:http,
 * and the pipelines. It answers every call from a user, and places a call when asked
 * (`POST /call?to=15551230001`). Run it next to the console:
 *
 *   npx wacall dev --webhook http://127.0.0.1:3000/webhook --app-secret dev-secret
 *   WACALL_APP_SECRET=dev-secret npx tsx examples/dev-app.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { answerCall, createCallEventSource, createCallingClient, placeCall, sdpAnswer, sdpOffer, type CallingClient } from "wacall/client";
import { createWebhookHandler, toNodeListener, webhookServerOptions, type CallEvent } from "wacall/webhook";

/** Where the app's client sends its requests. */
export interface ApiSettings {
  readonly baseUrl: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
}

/** The running app. */
export interface DevApp {
  /** Its webhook endpoint, for `wacall dev --webhook`. */
  readonly webhookUrl: string;
  /** Every event its `onEvent` got, in order. */
  readonly events: CallEvent[];
  /** How each call ended, one line each. */
  readonly outcomes: string[];
  /** Points the client at the API (before the first call). */
  use(api: ApiSettings): void;
  /** Places a call with `placeCall` (with `sdp` as the offer, from a media stack, if given) and says how it ended. */
  call(to: string, sdp?: string): Promise<string>;
  close(): Promise<void>;
}

// A media stack would make these; this app only signals.
const offer = sdpOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
const answer = sdpAnswer("v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");

/** Starts the app's webhook endpoint on 127.0.0.1 (`port` 0: a free one). */
export async function startDevApp(o: { readonly appSecret: string; readonly port?: number; readonly verifyToken?: string; readonly api?: ApiSettings }): Promise<DevApp> {
  const source = createCallEventSource();
  const events: CallEvent[] = [];
  const outcomes: string[] = [];
  let client: CallingClient | undefined;
  const use = (api: ApiSettings) => {
    client = createCallingClient(api);
  };
  if (o.api !== undefined) use(o.api);

  const handler = createWebhookHandler({
    appSecret: o.appSecret,
    verifyToken: o.verifyToken ?? "verify-me",
    onEvent: (event) => {
      events.push(event);
      source.publish(event);
      if (event._tag === "CallConnect" && event.direction === "USER_INITIATED" && client !== undefined) {
        // A user calls: answer within the window, then follow the call to its end.
        void answerCall(client, source, event, answer, { followMs: 120_000 }).match(
          (end) => outcomes.push(`inbound ${end._tag}${end._tag === "Failed" ? `: ${end.errors.map((e) => e._tag).join(", ")}` : ""}`),
          (e) => outcomes.push(`inbound error ${e._tag}`),
        );
      }
    },
  });
  const webhook = toNodeListener(handler);

  async function call(to: string, sdp?: string): Promise<string> {
    if (client === undefined) return "no API configured";
    const end = await placeCall(client, source, { to, sdp: sdp === undefined ? offer : sdpOffer(sdp), permissionRequestBody: "May we call you about your order?", bizOpaqueCallbackData: `order-${Date.now()}` }, { permissionReplyMs: 60_000, followMs: 120_000 });
    const line = end.match(
      (x) => `outbound ${x._tag}${x._tag === "Failed" ? `: ${x.errors.map((e) => e._tag).join(", ")}` : ""}`,
      (e) => `outbound error ${e._tag}`,
    );
    outcomes.push(line);
    return line;
  }

  const server = createServer(webhookServerOptions, (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/webhook") return webhook(req, res);
    if (url.pathname === "/call" && req.method === "POST") {
      void call(url.searchParams.get("to") ?? "").then((line) => res.end(`${line}\n`));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    webhookUrl: `http://127.0.0.1:${port}/webhook`,
    events,
    outcomes,
    use,
    call,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = await startDevApp({
    appSecret: process.env["WACALL_APP_SECRET"] ?? "dev-secret",
    port: 3000,
    api: { baseUrl: process.env["WACALL_API"] ?? "http://127.0.0.1:4010", accessToken: "wacall-dev-token", phoneNumberId: "1234567890" },
  });
  console.log(`app: webhook at ${app.webhookUrl}; place a call with: curl -X POST 'http://127.0.0.1:3000/call?to=15551230001'`);
}
