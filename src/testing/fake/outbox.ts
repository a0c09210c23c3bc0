/**
 * The webhooks the fake sends, as Meta does: an escaped-unicode JSON body signed with the app
 * secret (`X-Hub-Signature-256`), each answer recorded, optionally redelivered on failure.
 *
 * @module
 */
import { signBody } from "../../webhook/signature.js";
import type { SentWebhook } from "./types.js";

/** One attempt at delivering a webhook, as it happened. */
export interface DeliveryAttempt {
  /** The same for every attempt of one delivery. */
  readonly delivery: number;
  readonly attempt: number;
  readonly body: unknown;
  /** The receiver's status; 0 when it could not be reached. */
  readonly status: number;
  readonly at: number;
  /** When the next attempt is due, if the fake will redeliver. */
  readonly retryAt?: number;
}

/** Where webhooks go, and how failures are retried. */
export interface OutboxOptions {
  readonly target: { readonly url: string; readonly appSecret: string; readonly timeoutMs?: number } | undefined;
  readonly clock: () => number;
  /** Delays before each redelivery of a delivery that was not answered 2xx; none by default. */
  readonly redeliverAfterMs?: readonly number[];
  readonly onAttempt?: (a: DeliveryAttempt) => void;
}

/** The sender. */
export interface Outbox {
  /** Sends one delivery; resolves once its first attempt was answered (or failed). */
  send(body: unknown): Promise<void>;
  /** Resolves when every attempt started so far has been answered. */
  idle(): Promise<void>;
  /** The first attempt of every delivery, with its answer. */
  readonly sent: SentWebhook[];
  /** Stops pending redeliveries. */
  close(): void;
}

/** Meta signs an escaped-unicode serialization; the fake does the same. */
const serialize = (body: unknown) =>
  JSON.stringify(body).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** A sender of signed webhooks to `target` (nothing is sent without one). */
export function createOutbox(o: OutboxOptions): Outbox {
  const sent: SentWebhook[] = [];
  const pending = new Set<Promise<void>>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let deliveries = 0;
  let closed = false;

  function attempt(delivery: number, n: number, body: unknown, text: string, target: NonNullable<OutboxOptions["target"]>): Promise<void> {
    const record = (status: number) => {
      if (n === 1) sent.push({ body, status });
      const delay = status >= 200 && status < 300 ? undefined : o.redeliverAfterMs?.[n - 1];
      const at = o.clock();
      o.onAttempt?.({ delivery, attempt: n, body, status, at, ...(delay !== undefined && !closed && { retryAt: at + delay }) });
      if (delay === undefined || closed) return;
      const t = setTimeout(() => {
        timers.delete(t);
        if (!closed) track(attempt(delivery, n + 1, body, text, target));
      }, delay);
      timers.add(t);
    };
    return signBody(text, target.appSecret)
      .then((signature) =>
        fetch(target.url, {
          method: "POST",
          body: text,
          headers: { "content-type": "application/json", "x-hub-signature-256": signature },
          // A receiver that never answers would keep the delivery pending for ever.
          signal: AbortSignal.timeout(typeof target.timeoutMs === "number" && target.timeoutMs > 0 ? target.timeoutMs : 10_000),
        }),
      )
      .then(
        async (res) => {
          // Only the status matters; the body (of any size) is dropped unread.
          await res.body?.cancel().catch(() => undefined);
          record(res.status);
        },
        () => record(0),
      );
  }

  function track(p: Promise<void>): Promise<void> {
    pending.add(p);
    return p.finally(() => pending.delete(p));
  }

  return {
    send(body) {
      const target = o.target;
      if (target === undefined) return Promise.resolve();
      deliveries += 1;
      return track(attempt(deliveries, 1, body, serialize(body), target));
    },
    idle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    sent,
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
