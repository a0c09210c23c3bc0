/**
 * The event bus on a Redis stream: every worker appends the events its webhook handler received
 * (`XADD`), and reads everyone's (`XREAD BLOCK`) into its own event source, so a pipeline on one
 * worker can wait for a webhook that another worker received.
 *
 * @module
 */
import { err, errAsync, ok, type ResultAsync } from "neverthrow";
import { decodeCallEvent, encodeCallEvent } from "../calls/codec.js";
import type { EventBus, EventSubscription } from "../calls/source.js";
import { storeUnavailable, type StoreUnavailable } from "../calls/store-error.js";
import { guard } from "../internal/guard.js";
import { optionOf, positiveOption } from "../webhook/options.js";
import type { CallEvent } from "../webhook/event-types.js";
import { command, DEFAULT_COMMAND_TIMEOUT_MS, prefixOf, type RedisCommands } from "./command.js";

/** Options of {@link redisEventBus}. */
export interface RedisEventBusOptions {
  /**
   * A connection of its own for the blocking reads (`XREAD BLOCK` holds its connection), e.g.
   * `redis.duplicate()` once connected. Required.
   */
  readonly reader: RedisCommands;
  /** The stream's key. @default "wacall:events" */
  readonly stream?: string;
  /** Entries the stream keeps, about (`XADD MAXLEN ~`). @default 10_000 */
  readonly maxLength?: number;
  /** How far back a new subscriber starts reading, so a worker that starts late sees the last moments. @default 60_000 */
  readonly replayMs?: number;
  /** How long one blocking read waits; `close` takes at most this long. @default 1_000 */
  readonly blockMs?: number;
  /** The deadline of each non-blocking command. @default 2_000 */
  readonly commandTimeoutMs?: number;
  /** Told when reading fails (the subscription goes on, retrying with a backoff of up to 1 s). */
  readonly onError?: (error: StoreUnavailable) => void;
}

/** Stream entries from an `XREAD` reply, in RESP2 (arrays) or RESP3 (a map) form. */
function entriesOf(reply: unknown): [string, Record<string, string>][] {
  const out: [string, Record<string, string>][] = [];
  const streams: unknown[] = reply instanceof Map ? [...reply.values()] : Array.isArray(reply) ? reply.map((s: unknown) => (Array.isArray(s) ? s[1] : undefined)) : typeof reply === "object" && reply !== null ? Object.values(reply) : [];
  for (const entries of streams) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as unknown[]) {
      let id: unknown;
      let fields: unknown;
      if (Array.isArray(entry)) [id, fields] = entry;
      else if (typeof entry === "object" && entry !== null) ({ id, message: fields } = entry as { id?: unknown; message?: unknown });
      if (typeof id !== "string") continue;
      const record: Record<string, string> = {};
      if (Array.isArray(fields)) for (let i = 0; i + 1 < fields.length; i += 2) record[String(fields[i])] = String(fields[i + 1]);
      else if (typeof fields === "object" && fields !== null) for (const [k, v] of Object.entries(fields)) record[k] = String(v);
      out.push([id, record]);
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An {@link EventBus} on a Redis stream. Give it to `createCallEventSource({ bus })` on every
 * worker, and make the source's `onEvent` the webhook handler's `onEvent`. Each event is one
 * `XADD` (the stream is capped at about `maxLength` entries); each worker reads with
 * `XREAD BLOCK` on its `reader` connection. A subscriber starts `replayMs` back, and each
 * worker's source keeps a replay buffer, so a waiter that comes after the webhook still gets it.
 * Never throws.
 *
 * @example
 * const redis = await createClient({ url, disableOfflineQueue: true }).on("error", log).connect();
 * const reader = await redis.duplicate().on("error", log).connect();
 * const source = createCallEventSource({ bus: redisEventBus(redis, { reader }) });
 * createWebhookHandler({ appSecret, verifyToken, onEvent: source.onEvent, awaitHandlers: true, dedupe: redisDedupeStore(redis) });
 */
export function redisEventBus(redis: RedisCommands, options: RedisEventBusOptions): EventBus {
  const reader = optionOf(options, "reader") as RedisCommands | undefined;
  const stream = prefixOf(optionOf(options, "stream"), "wacall:events");
  const maxLength = Math.min(Math.max(Math.floor(positiveOption(options, "maxLength", 10_000)), 1), 1e9);
  const replayMs = positiveOption(options, "replayMs", 60_000);
  // `BLOCK 0` blocks for ever: a blocking read waits 1 ms to 60 s.
  const blockMs = Math.min(Math.max(Math.ceil(positiveOption(options, "blockMs", 1_000)), 1), 60_000);
  const timeoutMs = positiveOption(options, "commandTimeoutMs", DEFAULT_COMMAND_TIMEOUT_MS);
  const onErrorOption = optionOf(options, "onError");
  const report = (e: StoreUnavailable) =>
    guard(() => {
      if (typeof onErrorOption === "function") (onErrorOption as (e: StoreUnavailable) => void)(e);
    }, () => undefined);
  const origin = guard(() => globalThis.crypto.randomUUID(), () => `${Date.now()}-${Math.random()}`);

  const publish = (event: CallEvent): ResultAsync<void, StoreUnavailable> => {
    const text = encodeCallEvent(event);
    if (text === undefined) return errAsync(storeUnavailable("events", "publish", "reply", "The event could not be read"));
    return command(redis, ["XADD", stream, "MAXLEN", "~", String(maxLength), "*", "o", origin, "e", text], "events", "publish", timeoutMs).andThen((id) =>
      typeof id === "string" ? ok(undefined) : err(storeUnavailable("events", "publish", "reply", "XADD gave no id")),
    );
  };

  const subscribe = (deliver: (event: CallEvent) => void): EventSubscription => {
    let stopped = false;
    const loop = async () => {
      if (reader === undefined || typeof reader !== "object") {
        report(storeUnavailable("events", "subscribe", "connection", "No reader connection was given"));
        return;
      }
      let last = `${Math.max(0, Date.now() - replayMs)}-0`;
      let failures = 0;
      while (!stopped) {
        const r = await command(reader, ["XREAD", "COUNT", "512", "BLOCK", String(blockMs), "STREAMS", stream, last], "events", "read", blockMs + timeoutMs);
        if (stopped) break;
        if (r.isErr()) {
          report(r.error);
          failures++;
          await sleep(Math.min(1_000, 25 * 2 ** Math.min(failures, 6)));
          continue;
        }
        failures = 0;
        for (const [id, fields] of entriesOf(r.value)) {
          last = id;
          if (fields["o"] === origin) continue;
          const event = decodeCallEvent(fields["e"] ?? "");
          if (event !== undefined) guard(() => deliver(event), () => undefined);
        }
      }
    };
    const running = loop().catch(() => undefined);
    return {
      close: () => {
        stopped = true;
        return running;
      },
    };
  };

  return { publish, subscribe };
}
