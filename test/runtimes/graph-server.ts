/**
 * A Graph-like node:http server on 127.0.0.1 for the runtime smoke suite, and a loopback URL on
 * which nothing listens. The phone number id in the path picks the behaviour (see {@link phoneIds}):
 * - `ok`: answers connect with a call id;
 * - `reset`: reads the whole request, then resets the connection (the request was sent);
 * - `hang`: never answers;
 * - `keepalive`: answers with keep-alive; a request on a connection that already served one is
 *   read, then the connection is closed without an answer, as a server closing an idle
 *   connection at the moment the client reuses it.
 * `/raw/<token>/<behaviour>` does the same for a plain `fetch`; `/bg/<token>/<word>` counts words.
 * Every request is recorded with the token of its `Authorization` header.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import { phoneIds } from "./phone-ids.js";

const behaviours = new Map<string, string>(Object.entries(phoneIds).map(([name, id]) => [id, name]));

/** One request as the server saw it. */
export interface SeenRequest {
  readonly token: string;
  readonly behaviour: string;
  readonly method: string;
  readonly path: string;
  /** Which connection (1-based, in accept order) and which request on it (1-based). */
  readonly connection: number;
  readonly onConnection: number;
}

/** The running server. */
export interface GraphServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Requests recorded for a token (and a behaviour, if given). */
  seen(token: string, behaviour?: string): SeenRequest[];
  /** How often `/bg/<token>/<word>` was requested. */
  count(token: string, word: string): number;
  close(): Promise<void>;
}

const tokenOf = (req: IncomingMessage, fromPath: string | undefined): string => {
  const auth = req.headers.authorization;
  return typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : (fromPath ?? "");
};

/** Starts the server on 127.0.0.1, port 0. */
export async function startGraphServer(): Promise<GraphServer> {
  const requests: SeenRequest[] = [];
  const counts = new Map<string, number>();
  const connectionIds = new WeakMap<Socket, { id: number; served: number }>();
  let connections = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? "/", "http://x");
    const parts = url.pathname.split("/").filter((p) => p !== "");
    const socket = req.socket;
    const conn = connectionIds.get(socket) ?? { id: 0, served: 0 };
    conn.served++;
    if (parts[0] === "bg") {
      const key = `${parts[1] ?? ""}/${parts[2] ?? ""}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      res.writeHead(204).end();
      return;
    }
    // /v23.0/<behaviour>/<path>, or /raw/<token>/<behaviour>
    const raw = parts[0] === "raw";
    const behaviour = (raw ? parts[2] : behaviours.get(parts[1] ?? "")) ?? "";
    requests.push({ token: tokenOf(req, raw ? parts[1] : undefined), behaviour, method: req.method ?? "", path: url.pathname, connection: conn.id, onConnection: conn.served });
    void body;
    switch (behaviour) {
      case "ok":
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ messaging_product: "whatsapp", calls: [{ id: `wacid.SMOKE${requests.length}` }] }));
        return;
      case "reset":
        socket.resetAndDestroy();
        return;
      case "hang":
        return;
      case "keepalive":
        if (conn.served > 1) {
          socket.destroy();
          return;
        }
        res.writeHead(200, { "content-type": "application/json", connection: "keep-alive" });
        res.end(req.method === "GET" ? JSON.stringify({ calling: { status: "ENABLED" } }) : JSON.stringify({ messaging_product: "whatsapp", calls: [{ id: `wacid.KEEP${requests.length}` }] }));
        return;
      default:
        res.writeHead(404).end();
    }
  };

  const server: Server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => undefined);
  });
  server.on("connection", (socket: Socket) => {
    connectionIds.set(socket, { id: ++connections, served: 0 });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    seen: (token, behaviour) => requests.filter((r) => r.token === token && (behaviour === undefined || r.behaviour === behaviour)),
    count: (token, word) => counts.get(`${token}/${word}`) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL whose port was just free: a connection to it is refused. */
export async function refusedUrl(): Promise<string> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  const port = typeof address === "object" && address !== null ? address.port : 1;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
