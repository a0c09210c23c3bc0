/**
 * A `node:http` adapter for the Fetch-API webhook handler (also fits Express: mount it before any
 * body parser, or with `express.raw({ type: "*\/*" })`, so the raw bytes reach the signature
 * check). It loads no `node:` module and its types are structural, so using `wacall/webhook`
 * needs no Node type definitions.
 *
 * @module
 */

/** The part of `http.IncomingMessage` (or an Express request) the adapter reads. */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Set by Express body parsers; bytes from `express.raw()` are accepted. */
  readonly body?: unknown;
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (error: unknown) => void): unknown;
}

/** The part of `http.ServerResponse` the adapter writes. */
export interface NodeResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(body?: Uint8Array): unknown;
}

/**
 * Wraps `(request: Request) => Promise<Response>` as a `(req, res)` listener.
 *
 * @example
 * http.createServer(toNodeListener(createWebhookHandler({ appSecret, verifyToken, onEvent }))).listen(8080);
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
): (req: NodeRequestLike, res: NodeResponseLike) => void {
  return (req, res) => {
    const finish = (response: Response) =>
      response.arrayBuffer().then((body) => {
        res.statusCode = response.status;
        response.headers.forEach((value, key) => res.setHeader(key, value));
        res.end(new Uint8Array(body));
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

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function readBody(req: NodeRequestLike): Promise<Uint8Array<ArrayBuffer>> {
  // Express with express.raw() has already read the stream into a Buffer.
  if (req.body instanceof Uint8Array) return Promise.resolve(new Uint8Array(req.body));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(c));
    req.on("end", () => resolve(concat(chunks)));
    req.on("error", reject);
  });
}
