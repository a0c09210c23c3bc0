/**
 * A source of webhook events that pipelines can wait on: the webhook handler publishes into it
 * (`onEvent: source.onEvent`), and a pipeline waits for "the next event of this call, within
 * this deadline". A small replay buffer keeps the events of the last moments, so an event that
 * arrives before its waiter (Meta's webhook can beat the HTTP response) is still found. With an
 * {@link EventBus} (e.g. `redisEventBus` from `wacall/redis`), events published on any process
 * reach the waiters of every process. Every buffer and every wait has a limit; nothing here
 * throws.
 *
 * @module
 */
import { err, errAsync, ok, okAsync, ResultAsync, type Result } from "neverthrow";
import { guard, safeNow } from "../internal/guard.js";
import { optionOf, positiveOption } from "../webhook/options.js";
import type { CallEvent } from "../webhook/event-types.js";
import type { StoreUnavailable } from "./store-error.js";

/** No matching event arrived within the deadline. */
export interface EventWaitTimeout {
  readonly _tag: "EventWaitTimeout";
  /** How long the wait lasted, in milliseconds. */
  readonly waitedMs: number;
  readonly message: string;
}

/** The caller's signal stopped the wait. */
export interface EventWaitAborted {
  readonly _tag: "EventWaitAborted";
  readonly message: string;
}

/** The source already has its maximum of waiters; this wait was not registered. */
export interface TooManyWaiters {
  readonly _tag: "TooManyWaiters";
  readonly limit: number;
  readonly message: string;
}

/** Why a wait on a {@link CallEventSource} gave no event. */
export type EventWaitError = EventWaitTimeout | EventWaitAborted | TooManyWaiters;

/** Which events a wait wants: those of a call, those of a correlation value, or any test. */
export type EventMatch = { readonly callId: string } | { readonly bizOpaqueCallbackData: string } | ((event: CallEvent) => boolean);

/** A position in the stream of published events (see {@link CallEventSource.position}). */
export type EventCursor = number & { readonly __eventCursor: true };

/** Options of one wait. */
export interface WaitOptions {
  /** Milliseconds to wait at most. @default the source's `defaultDeadlineMs` */
  readonly deadlineMs?: number;
  /** Stops the wait with `EventWaitAborted`. */
  readonly signal?: AbortSignal;
}

/** Where a wait or a follower starts reading. */
export interface StartOptions {
  /** Only events published after this position; by default every event still in the replay buffer counts. */
  readonly after?: EventCursor;
}

/** Successive events of one match, each given once, in the order they were published. */
export interface EventFollower {
  /** The next matching event not given yet: from the events queued for this follower, or the next one published. */
  next(options?: WaitOptions): ResultAsync<CallEvent, EventWaitError>;
  /** Matching events dropped because this follower's queue was full (oldest first). */
  readonly dropped: () => number;
  /** Stops following; frees the follower's place. Calling it again does nothing. */
  close(): void;
}

/** A subscription to an {@link EventBus}; `close` stops it (calling it again does nothing). */
export interface EventSubscription {
  close(): Promise<void>;
}

/**
 * What carries events between processes, so that a pipeline on one worker can wait for a webhook
 * another worker received. `wacall/redis` has one on a Redis stream (`redisEventBus`).
 */
export interface EventBus {
  /** Shares an event with every process; `Ok` once the bus holds it. Never rejects. */
  publish(event: CallEvent): ResultAsync<void, StoreUnavailable>;
  /**
   * Calls `deliver` with every event published by the other processes, from a moment before the
   * subscription on (so that a process that starts late still sees the last moments), until
   * closed. Must not call `deliver` with this process's own events.
   */
  subscribe(deliver: (event: CallEvent) => void): EventSubscription;
}

/** Options of {@link createCallEventSource}. */
export interface CallEventSourceOptions {
  /** Events kept for waiters that come late. @default 256 */
  readonly replaySize?: number;
  /** How long an event stays in the replay buffer, in milliseconds. @default 60_000 */
  readonly replayMs?: number;
  /** Followers (and waits) open at once; one more gets `TooManyWaiters`. @default 1_000 */
  readonly maxWaiters?: number;
  /** Matching events queued per follower before the oldest is dropped. @default 64 */
  readonly queueSize?: number;
  /** The deadline of a wait that gives none. @default 30_000 */
  readonly defaultDeadlineMs?: number;
  /** Epoch milliseconds, for the replay window. @default Date.now */
  readonly clock?: () => number;
  /** Shares events with other processes; without it, the source is in-process. */
  readonly bus?: EventBus;
}

/** What a {@link CallEventSource} holds right now. */
export interface EventSourceStats {
  readonly buffered: number;
  readonly waiters: number;
  readonly published: number;
  /** Events the bus could not take (each one made `onEvent` reject, or was dropped by `publish`). */
  readonly busFailures: number;
}

/** An event source: the webhook handler publishes, pipelines wait. */
export interface CallEventSource {
  /**
   * Hands an event to every follower it matches and to the replay buffer (with a bus: once the
   * bus took it, and to the other processes too; an event the bus refused is dropped and counted
   * in `busFailures`). Bound. Never throws.
   */
  readonly publish: (event: CallEvent) => void;
  /**
   * The webhook handler's `onEvent`: publishes the event, and resolves once it is shared. With a
   * bus that cannot take it, rejects with a {@link StoreUnavailable} value (never an exception
   * object), so that a handler with `awaitHandlers: true` answers 500 and Meta redelivers. Bound.
   */
  readonly onEvent: (event: CallEvent) => Promise<void>;
  /** Stops receiving from the bus, if any. Waits already running keep their deadlines. */
  close(): Promise<void>;
  /** The next event that matches, from the replay buffer (after `after`) or published later, within the deadline. */
  next(match: EventMatch, options?: WaitOptions & StartOptions): ResultAsync<CallEvent, EventWaitError>;
  /** Follows every event that matches, from the replay buffer (after `after`) on. Close it when done. */
  follow(match: EventMatch, options?: StartOptions): EventFollower;
  /** The position after the last event published: take it before a request whose webhooks you will wait for. */
  position(): EventCursor;
  stats(): EventSourceStats;
}

/** The longest timer JavaScript keeps (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

interface Buffered {
  readonly seq: number;
  readonly at: number;
  readonly event: CallEvent;
}

interface Pending {
  settle(outcome: Result<CallEvent, EventWaitError>): void;
}

/** Where a wait starts: after the `after` cursor, or at the start of the replay buffer. */
function startOf(options: unknown): number {
  const after = optionOf(options, "after");
  return typeof after === "number" && Number.isFinite(after) ? after : Number.NEGATIVE_INFINITY;
}

/** The test a match stands for; one that cannot be read matches nothing. */
function testOf(match: unknown): (e: CallEvent) => boolean {
  const test = guard(
    (): ((e: CallEvent) => unknown) => {
      if (typeof match === "function") return match as (e: CallEvent) => unknown;
      const callId = optionOf(match, "callId");
      if (typeof callId === "string") return (e) => optionOf(e, "callId") === callId;
      const opaque = optionOf(match, "bizOpaqueCallbackData");
      if (typeof opaque === "string") return (e) => optionOf(e, "bizOpaqueCallbackData") === opaque;
      return () => false;
    },
    () => () => false,
  );
  // A test that throws (a user predicate, a hostile event) is a test that does not match.
  return (e) => guard(() => test(e) === true, () => false);
}

/**
 * Creates an event source. Feed it from the webhook handler and wait on it from pipelines; give
 * it a `bus` to share events between processes. Memory is bounded: `replaySize` events for at most `replayMs`, `maxWaiters`
 * followers with `queueSize` queued events each. A follower registered when an event is
 * published gets it, whatever the buffer; one that starts later gets it while it is in the
 * buffer.
 *
 * @example
 * const source = createCallEventSource();
 * const handler = createWebhookHandler({ appSecret, verifyToken, onEvent: source.onEvent, awaitHandlers: true });
 * const ringing = await source.next({ callId }, { deadlineMs: 10_000 });
 */
export function createCallEventSource(options: CallEventSourceOptions = {}): CallEventSource {
  const replaySize = Math.floor(positiveOption(options, "replaySize", 256));
  const replayMs = positiveOption(options, "replayMs", 60_000);
  const maxWaiters = Math.floor(positiveOption(options, "maxWaiters", 1_000));
  const queueSize = Math.floor(positiveOption(options, "queueSize", 64));
  const defaultDeadlineMs = Math.min(positiveOption(options, "defaultDeadlineMs", 30_000), MAX_TIMER_MS);
  const clockOption = optionOf(options, "clock");
  const clock = typeof clockOption === "function" ? (clockOption as () => number) : undefined;
  const now = () => safeNow(clock);

  let seq = 0;
  let buffer: Buffered[] = [];
  const followers = new Set<FollowerState>();

  interface FollowerState {
    readonly test: (e: CallEvent) => boolean;
    readonly queue: CallEvent[];
    pending: Pending | undefined;
    dropped: number;
  }

  const prune = (at: number) => {
    const oldest = at - replayMs;
    let drop = Math.max(0, buffer.length - replaySize);
    while (drop < buffer.length && (buffer[drop]?.at ?? 0) < oldest) drop++;
    if (drop > 0) buffer = buffer.slice(drop);
  };

  const local = (event: CallEvent): void => {
    guard(
      () => {
        if (typeof event !== "object" || event === null) return;
        const at = now();
        seq++;
        buffer.push({ seq, at, event });
        prune(at);
        for (const f of followers) {
          if (!f.test(event)) continue;
          const p = f.pending;
          if (p !== undefined) {
            f.pending = undefined;
            p.settle(ok(event));
          } else {
            f.queue.push(event);
            if (f.queue.length > queueSize) {
              f.queue.shift();
              f.dropped++;
            }
          }
        }
      },
      () => undefined,
    );
  };

  const full = (): TooManyWaiters => ({ _tag: "TooManyWaiters", limit: maxWaiters, message: `The event source already has ${maxWaiters} waiters` });

  const follow = (match: EventMatch, from: number): EventFollower => {
    if (followers.size >= maxWaiters) {
      return { next: () => errAsync(full()), dropped: () => 0, close: () => undefined };
    }
    const state: FollowerState = { test: testOf(match), queue: [], pending: undefined, dropped: 0 };
    prune(now());
    for (const b of buffer) if (b.seq > from && state.test(b.event)) state.queue.push(b.event);
    if (state.queue.length > queueSize) {
      state.dropped += state.queue.length - queueSize;
      state.queue.splice(0, state.queue.length - queueSize);
    }
    followers.add(state);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      followers.delete(state);
      const p = state.pending;
      state.pending = undefined;
      p?.settle(err({ _tag: "EventWaitAborted", message: "The follower was closed" }));
    };
    const next = (wait: WaitOptions = {}): ResultAsync<CallEvent, EventWaitError> => {
      const queued = state.queue.shift();
      if (queued !== undefined) return okAsync(queued);
      if (closed) return errAsync({ _tag: "EventWaitAborted", message: "The follower was closed" });
      if (state.pending !== undefined) return errAsync({ _tag: "EventWaitAborted", message: "This follower is already waiting: wait for its previous next() first" });
      const d = optionOf(wait, "deadlineMs");
      const deadlineMs = typeof d === "number" && Number.isFinite(d) && d >= 0 ? Math.min(d, MAX_TIMER_MS) : defaultDeadlineMs;
      const given = optionOf(wait, "signal");
      const signal = guard(() => (given instanceof AbortSignal ? given : undefined), () => undefined);
      const aborted = guard(() => signal?.aborted === true, () => false);
      if (aborted) return errAsync({ _tag: "EventWaitAborted", message: "The signal was aborted before the wait" });
      const started = now();
      return new ResultAsync(
        new Promise<Result<CallEvent, EventWaitError>>((resolve) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          let onAbort: (() => void) | undefined;
          const pending: Pending = {
            settle(outcome) {
              if (timer !== undefined) clearTimeout(timer);
              if (onAbort !== undefined) guard(() => signal?.removeEventListener("abort", onAbort as () => void), () => undefined);
              if (state.pending === pending) state.pending = undefined;
              resolve(outcome);
            },
          };
          state.pending = pending;
          timer = setTimeout(() => {
            const waitedMs = Math.max(0, now() - started);
            pending.settle(err({ _tag: "EventWaitTimeout", waitedMs, message: `No matching event within ${deadlineMs} ms` }));
          }, deadlineMs);
          if (signal !== undefined) {
            onAbort = () => pending.settle(err({ _tag: "EventWaitAborted", message: "The signal was aborted" }));
            guard(() => signal.addEventListener("abort", onAbort as () => void, { once: true }), () => undefined);
          }
        }),
      );
    };
    return { next, dropped: () => state.dropped, close };
  };

  const busOption = optionOf(options, "bus");
  const bus = guard(() => (typeof busOption === "object" && busOption !== null && typeof (busOption as EventBus).publish === "function" && typeof (busOption as EventBus).subscribe === "function" ? (busOption as EventBus) : undefined), () => undefined);
  let busFailures = 0;
  const subscription = bus === undefined ? undefined : guard(() => bus.subscribe(local), () => undefined);
  const busFailed = (reason: unknown): StoreUnavailable => {
    busFailures++;
    const e = reason as Partial<StoreUnavailable> | undefined;
    return typeof e === "object" && e !== null && e._tag === "StoreUnavailable"
      ? (e as StoreUnavailable)
      : { _tag: "StoreUnavailable", category: "transport", store: "events", operation: "publish", reason: "connection", message: "The event bus failed", retryable: true, advice: { kind: "backoff" } };
  };
  const share = (event: CallEvent): Promise<void> => {
    if (bus === undefined) {
      local(event);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      Promise.resolve()
        .then(() => bus.publish(event))
        .then(
          (r) => {
            if (r.isOk()) {
              local(event);
              resolve();
            } else reject(busFailed(r.error));
          },
          (cause: unknown) => reject(busFailed(cause)),
        )
        .catch((cause: unknown) => reject(busFailed(cause)));
    });
  };

  return {
    publish: (event) => void share(event).catch(() => undefined),
    onEvent: share,
    close: () => (subscription === undefined ? Promise.resolve() : Promise.resolve().then(() => subscription.close()).catch(() => undefined)),
    next: (match, options = {}) => {
      const f = follow(match, startOf(options));
      const deadlineMs = optionOf(options, "deadlineMs");
      const signal = optionOf(options, "signal");
      const wait = { ...(typeof deadlineMs === "number" && { deadlineMs }), ...(signal !== undefined && { signal: signal as AbortSignal }) };
      return new ResultAsync(
        Promise.resolve(f.next(wait)).then((r) => {
          f.close();
          return r;
        }),
      );
    },
    follow: (match, options = {}) => follow(match, startOf(options)),
    position: () => seq as EventCursor,
    stats: () => ({ buffered: buffer.length, waiters: followers.size, published: seq, busFailures }),
  };
}
