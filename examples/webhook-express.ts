import express from "express";
import { createWebhookHandler, toNodeListener, type CallEvent, type WebhookHandlerProblem } from "wacall/webhook";

/**
 * An Express 5 app whose /webhook route is wacall's handler, beside routes that parse JSON. The
 * signature is computed over the raw bytes, so the webhook route gets them from express.raw and is
 * mounted before express.json(); a route whose body was parsed first is reported to onError as
 * BodyUnreadable ("consumed") with what to change, and answered 400.
 */
export function createApp(appSecret: string, verifyToken: string, onEvent: (e: CallEvent) => void, onError?: (p: WebhookHandlerProblem) => void): express.Express {
  const handler = createWebhookHandler({ appSecret, verifyToken, onEvent, ...(onError !== undefined && { onError }) });
  const app = express();
  app.all("/webhook", express.raw({ type: "application/json" }), toNodeListener(handler));
  app.use(express.json());
  app.post("/orders", (req, res) => void res.json({ received: req.body as unknown }));
  return app;
}

// app.listen(8080): Meta posts to https://your.host/webhook.
