/**
 * Dispatch of decoded events to `onEvent` with de-duplication: each event is handed over once it
 * is known not to be handled already, and recorded as handled only after `onEvent` succeeded.
 * Synchronous for as long as every step is (the memory store, a synchronous `onEvent`): no
 * promise is made for a delivery that needs none.
 *
 * @module
 */
import type { DedupeStore, LegacyDedupeStore } from "./dedupe.js";
import { eventKey, eventKeyNow, eventKeyOfParsed } from "./event-key.js";
import type { CallEvent } from "./event-types.js";
import type { WebhookHandlerProblem } from "./handler.js";

/**
 * The store, whatever its shape, as: was it handled? (then) it succeeded / it failed. Each method
 * returns what the store returned (a value or a promise) and may throw: the caller guards it.
 */
interface Ledger {
  isHandled(key: string): unknown;
  succeeded(key: string): unknown;
  failed(key: string): unknown;
}

function ledgerOf(store: object): Ledger {
  let modern = false;
  try {
    modern = typeof (store as Partial<DedupeStore>).isHandled === "function";
  } catch {
    // A store whose members cannot be read is used as the legacy shape; its calls fail and are reported.
  }
  if (modern) {
    const s = store as DedupeStore;
    return {
      isHandled: (key) => s.isHandled(key),
      succeeded: (key) => s.markHandled(key),
      // An optional member: absent means nothing to release; present but not a function fails (and is reported).
      failed: (key) => {
        const release: unknown = s.release;
        return release === undefined ? undefined : (release as (key: string) => unknown).call(s, key);
      },
    };
  }
  const legacy = store as LegacyDedupeStore;
  return {
    // firstSeen says "new"; handled is its negation, given as it came (value or promise).
    isHandled: (key) => {
      const fresh: unknown = legacy.firstSeen(key);
      return isAsync(fresh) ? settle(fresh).then((f) => f === false) : fresh === false;
    },
    succeeded: () => undefined,
    failed: (key) => legacy.forget?.(key),
  };
}

/** Whether a value returned by application code must be awaited (a promise or any other object, which may be a thenable). */
function isAsync(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

/**
 * The cause carried by a Result-like `Err` (`{ isErr(): true, error }`, e.g. a neverthrow
 * `Result`, which a `ResultAsync` resolves to), or `undefined` for any other value. Never throws:
 * a value whose members cannot be read or called is not such an `Err`.
 */
function errCause(v: unknown): { readonly cause: unknown } | undefined {
  if (!isAsync(v)) return undefined;
  try {
    const isErr = (v as { isErr?: unknown }).isErr;
    if (typeof isErr !== "function" || isErr.call(v) !== true) return undefined;
    return { cause: "error" in v ? (v as { error: unknown }).error : v };
  } catch {
    return undefined;
  }
}

/** A promise of what application code returned; adopts thenables without reading anything synchronously. Never throws. */
function settle(v: unknown): Promise<unknown> {
  return new Promise<unknown>((resolve) => resolve(v));
}

/** Dispatches a delivery's events in order; `true` when every one ended handled (now or before). Never throws or rejects. */
export type Dispatch = (events: readonly CallEvent[]) => boolean | Promise<boolean>;

/**
 * The dispatcher of one handler. `store` is `undefined` when de-duplication is off; `onEvent` is
 * the application's function (anything: calling a non-function fails like a throwing handler).
 */
export function makeDispatch(store: object | undefined, onEvent: unknown, report: (p: WebhookHandlerProblem) => void): Dispatch {
  const ledger = store === undefined ? undefined : ledgerOf(store);
  /** Outcomes of events being handled right now, by key: a concurrent redelivery waits for it. */
  const inflight = new Map<string, Promise<boolean>>();

  const succeeded = (event: CallEvent, key: string | undefined): boolean | Promise<boolean> => {
    if (ledger === undefined || key === undefined) return true;
    try {
      const r = ledger.succeeded(key);
      if (isAsync(r)) return settle(r).then(() => true, (cause: unknown) => dedupeFailed(event, cause, true));
    } catch (cause) {
      report({ _tag: "DedupeFailed", event, cause });
    }
    return true;
  };

  const failed = (event: CallEvent, key: string | undefined, cause: unknown): false | Promise<false> => {
    report({ _tag: "HandlerFailed", event, cause });
    if (ledger === undefined || key === undefined) return false;
    try {
      const r = ledger.failed(key);
      if (isAsync(r)) {
        return settle(r).then(
          (v) => {
            const e = errCause(v);
            return e === undefined ? (false as const) : dedupeFailed(event, e.cause, false as const);
          },
          (c: unknown) => dedupeFailed(event, c, false as const),
        );
      }
    } catch (c) {
      report({ _tag: "DedupeFailed", event, cause: c });
    }
    return false;
  };

  function dedupeFailed<T>(event: CallEvent, cause: unknown, outcome: T): T {
    report({ _tag: "DedupeFailed", event, cause });
    return outcome;
  }

  /** Runs `onEvent`; records the outcome. */
  const run = (event: CallEvent, key: string | undefined): boolean | Promise<boolean> => {
    let r: unknown;
    try {
      r = (onEvent as (event: CallEvent) => unknown)(event);
    } catch (cause) {
      return failed(event, key, cause);
    }
    if (isAsync(r)) return settle(r).then(() => succeeded(event, key), (cause: unknown) => failed(event, key, cause));
    return succeeded(event, key);
  };

  /** Handles one event; says whether it ended handled (now or before). */
  const handleOne = (event: CallEvent, key: string | undefined): boolean | Promise<boolean> => {
    if (ledger !== undefined && key !== undefined) {
      let handled: unknown;
      try {
        handled = ledger.isHandled(key);
      } catch (cause) {
        report({ _tag: "DedupeFailed", event, cause }); // handle it anyway: at least once
        return run(event, key);
      }
      if (isAsync(handled)) {
        return settle(handled).then(
          (h) => (h === true ? true : run(event, key)),
          (cause: unknown) => {
            report({ _tag: "DedupeFailed", event, cause });
            return run(event, key);
          },
        );
      }
      if (handled === true) return true;
    }
    return run(event, key);
  };

  /** Dispatches `events[from…]`, synchronously while every step is. */
  function from(events: readonly CallEvent[], start: number, all: boolean): boolean | Promise<boolean> {
    for (let i = start; i < events.length; i++) {
      const event = events[i] as CallEvent;
      const key = ledger === undefined ? undefined : (eventKeyOfParsed(event) ?? eventKeyNow(event));
      // A key only Web Crypto can give, or a concurrent delivery handling the same event: the slow path.
      if ((ledger !== undefined && key === undefined) || (key !== undefined && inflight.has(key))) return slow(events, i, all);
      const outcome = handleOne(event, key);
      if (outcome instanceof Promise) return track(key, outcome).then((ok) => from(events, i + 1, all && ok));
      all &&= outcome;
    }
    return all;
  }

  function track(key: string | undefined, outcome: Promise<boolean>): Promise<boolean> {
    if (key === undefined) return outcome;
    inflight.set(key, outcome);
    const done = (ok: boolean): boolean => {
      if (inflight.get(key) === outcome) inflight.delete(key);
      return ok;
    };
    return outcome.then(done, () => done(false));
  }

  async function slow(events: readonly CallEvent[], i: number, all: boolean): Promise<boolean> {
    const event = events[i] as CallEvent;
    const key = ledger === undefined ? undefined : (eventKeyOfParsed(event) ?? eventKeyNow(event) ?? (await eventKey(event)));
    const running = key === undefined ? undefined : inflight.get(key);
    if (running !== undefined && (await running)) return from(events, i + 1, all); // a concurrent delivery handled it
    const ok = await track(key, Promise.resolve(handleOne(event, key)));
    return from(events, i + 1, all && ok);
  }

  return (events) => from(events, 0, true);
}
