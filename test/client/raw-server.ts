import { createServer, type Server, type Socket } from "node:net";

/** One request as a raw HTTP/1.1 server parsed it. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A hand-written HTTP/1.1 server on 127.0.0.1: every answer is bytes the test writes itself. */
export interface RawServer {
  readonly url: string;
  readonly port: number;
  /** Requests fully received, in order. */
  readonly requests: RawRequest[];
  /** TCP connections accepted (a request refused before sending opens none). */
  connections: number;
  close(): Promise<void>;
}

export type RawHandler = (req: RawRequest, socket: Socket) => void;

/** Writes a whole response and closes the connection. */
export function respond(socket: Socket, status: number, headers: Readonly<Record<string, string>>, body = ""): void {
  const bytes = Buffer.from(body, "utf8");
  const head = [`HTTP/1.1 ${status} X`, `content-length: ${bytes.length}`, "connection: close", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join("\r\n");
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, "latin1"), bytes]));
}

/** A Graph error body. */
export function graphErrorBody(error: Record<string, unknown>): string {
  return JSON.stringify({ error });
}

/** Starts a raw server; the handler answers each parsed request on its socket. */
export async function rawServer(handler: RawHandler): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state: { connections: number } = { connections: 0 };
  const requests: RawRequest[] = [];
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffer = Buffer.alloc(0);
    let done = false;
    socket.on("data", (chunk: Buffer) => {
      if (done) return;
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end === -1) return;
      const lines = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const [method = "", path = ""] = (lines[0] ?? "").split(" ");
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const length = Number(headers["content-length"] ?? "0");
      if (buffer.length < end + 4 + length) return;
      done = true;
      const req = { method, path, headers, body: buffer.subarray(end + 4, end + 4 + length).toString("utf8") };
      requests.push(req);
      handler(req, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return state.connections;
    },
    set connections(n: number) {
      state.connections = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Streams `total` bytes of body after a 200 head without Content-Length (the end is the close),
 * honouring backpressure; resolves with the bytes actually written when the socket closes.
 */
export function streamBody(socket: Socket, total: number, declareLength: boolean): Promise<number> {
  const head = ["HTTP/1.1 200 OK", "content-type: application/json", "connection: close", ...(declareLength ? [`content-length: ${total}`] : [])].join("\r\n");
  socket.write(`${head}\r\n\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let written = 0;
  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        resolve(written);
      }
    };
    socket.on("close", finish);
    socket.on("error", finish);
    const pump = () => {
      while (written < total && !socket.destroyed) {
        const n = Math.min(chunk.length, total - written);
        written += n;
        if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          socket.once("drain", pump);
          return;
        }
      }
      if (written >= total) socket.end();
    };
    pump();
  });
}
