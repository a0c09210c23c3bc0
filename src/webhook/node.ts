/**
 * A `node:http` adapter for the Fetch-API webhook handler (also fits Express: mount it before any
 * body parser, or with `express.raw({ type: "*\/*" })`, so the raw bytes reach the signature
 * check). Uses only type imports: nothing here loads a `node:` module.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Wraps `(request: Request) => Promise<Response>` as a `(req, res)` listener.
 *
 * @example
 * http.createServer(toNodeListener(createWebhookHandler({ appSecret, verifyToken, onEvent }))).listen(8080);
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
): (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => void {
  return (req, res) => {
    const finish = (response: Response) =>
      response.arrayBuffer().then((body) => {
        res.statusCode = response.status;
        response.headers.forEach((value, key) => res.setHeader(key, value));
        res.end(Buffer.from(body));
      });
    const fail = () => {
      if (!res.headersSent) res.statusCode = 400;
      res.end();
    };
    if (req.body !== undefined && !(req.body instanceof Uint8Array)) {
      // A body parser consumed the bytes: the signature cannot be checked.
      res.statusCode = 400;
      res.end();
      return;
    }
    readBody(req)
      .then((body) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === "string") headers.set(k, v);
          else if (Array.isArray(v)) for (const item of v) headers.append(k, item);
        }
        const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
        const method = req.method ?? "GET";
        const init: RequestInit = { method, headers, ...(method !== "GET" && method !== "HEAD" && { body }) };
        return handler(new Request(url, init));
      })
      .then(finish)
      .catch(fail);
  };
}

function readBody(req: IncomingMessage & { body?: unknown }): Promise<Uint8Array<ArrayBuffer>> {
  // Express with express.raw() has already read the stream into a Buffer.
  if (req.body instanceof Uint8Array) return Promise.resolve(new Uint8Array(req.body));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(c));
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}
