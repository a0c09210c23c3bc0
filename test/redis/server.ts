/**
 * A real redis-server for the tests, on a free loopback port, without persistence. A missing
 * redis-server fails the test run (install it with `apt-get install -y redis-server`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";
import { createClient } from "redis";
import { createClient as createClient5 } from "redis5";
import type { RedisCommands } from "../../src/redis/index.js";

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence). */
  restart(): Promise<void>;
}

/** A port the system had free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function pingable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}

function launch(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", (e) => reject(new Error(`redis-server could not start (is it installed? apt-get install -y redis-server): ${e.message}`)));
    const started = Date.now();
    const poll = async () => {
      if (child.exitCode !== null) return reject(new Error(`redis-server exited with ${child.exitCode}: ${stderr}`));
      if (await pingable(port)) return resolve(child);
      if (Date.now() - started > 10_000) {
        child.kill("SIGKILL");
        return reject(new Error("redis-server did not answer PING within 10 s"));
      }
      setTimeout(() => void poll(), 25);
    };
    void poll();
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 2_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Starts redis-server on a free loopback port. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => kill(child),
    restart: async () => {
      await kill(child);
      child = await launch(port);
    },
  };
}

/** A connected node-redis client that fails fast while the server is down. */
export async function connectClient(url: string) {
  const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (n: number) => Math.min(50 * n, 200), connectTimeout: 1_000 } });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** What the store tests use of a client, whichever major of node-redis made it. */
export interface TestClient extends RedisCommands {
  pTTL(key: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): unknown;
}

/**
 * The same with node-redis 5, the oldest major the peer range accepts (its default protocol is
 * RESP2, where node-redis 6 speaks RESP3, so replies come in other shapes).
 */
export async function connectClient5(url: string): Promise<TestClient> {
  const client = createClient5({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (n: number) => Math.min(50 * n, 200), connectTimeout: 1_000 } });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** Both majors, for suites that run once per client. */
export const clientMajors: readonly (readonly [string, (url: string) => Promise<TestClient>])[] = [
  ["node-redis 6", connectClient],
  ["node-redis 5", connectClient5],
];
