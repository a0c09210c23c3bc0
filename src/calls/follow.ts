/**
 * Following one call to its end: the events of its id, from an event source, folded into its
 * state until the terminate arrives or the deadline passes.
 *
 * @module
 */
import { err, errAsync, ok, ResultAsync, type Result } from "neverthrow";
import type { GraphError } from "../errors.js";
import { guard, safeNow } from "../internal/guard.js";
import { foldCall } from "./fold.js";
import type { EventCursor, CallEventSource, EventWaitAborted, TooManyWaiters } from "./source.js";
import type { CallState, Ended, Failed, NotAnswered, Rejected } from "./state-types.js";

/** The call's end did not arrive in time: its last known state, if any event came at all. */
export interface CallEndUnknown {
  readonly _tag: "CallEndUnknown";
  readonly callId: string;
  /** What the events that did arrive say (`undefined` when none came). */
  readonly state?: CallState;
  readonly waitedMs: number;
  readonly message: string;
}

/** Errors of following a call: its end did not come in time, the signal stopped it, or the source was full. */
export type FollowError = CallEndUnknown | EventWaitAborted | TooManyWaiters;

/** How a call that was placed or answered ended. */
export type CallEnd =
  /** Picked up, then ended normally. */
  | { readonly _tag: "Answered"; readonly callId: string; readonly durationSeconds?: number; readonly state: Ended }
  /** The user declined. */
  | { readonly _tag: "Rejected"; readonly callId: string; readonly state: Rejected }
  /** Ended without being picked up. */
  | { readonly _tag: "NoAnswer"; readonly callId: string; readonly state: NotAnswered }
  /** Ended with a failure; `errors` come from the terminate webhook. */
  | { readonly _tag: "Failed"; readonly callId: string; readonly errors: readonly GraphError[]; readonly state: Failed };

/** Options of following a call. */
export interface FollowOptions {
  /** Follow the call at most this long, in milliseconds. @default 3_600_000 (one hour) */
  readonly followMs?: number;
  /** Stops following with `EventWaitAborted`. */
  readonly signal?: AbortSignal;
}

/** The most events one call is folded from; a stream that never ends stops there. */
const MAX_EVENTS = 10_000;

/** The end a final state stands for; a state that is not final is not an end. */
export function endOf(state: CallState): CallEnd | undefined {
  switch (state._tag) {
    case "Ended":
      return { _tag: "Answered", callId: state.callId, ...(state.durationSeconds !== undefined && { durationSeconds: state.durationSeconds }), state };
    case "Rejected":
      return { _tag: "Rejected", callId: state.callId, state };
    case "NotAnswered":
      return { _tag: "NoAnswer", callId: state.callId, state };
    case "Failed":
      return { _tag: "Failed", callId: state.callId, errors: state.errors, state };
    case "Ringing":
    case "Accepted":
      return undefined;
  }
}

/**
 * Follows a call on `source` from `after` (by default every event of it still in the replay
 * buffer) until its terminate, then folds the events already queued behind it (a late
 * `ACCEPTED`). A rejected call whose terminate does not come in time still ends as `Rejected`.
 * Never throws.
 *
 * @example
 * const end = await followCall(source, callId, { after: source.position(), followMs: 120_000 });
 */
export function followCall(source: CallEventSource, callId: string, options: FollowOptions & { readonly after?: EventCursor } = {}): ResultAsync<CallEnd, FollowError> {
  const read = guard(
    () => {
      const followMs: unknown = options.followMs;
      const signal: unknown = options.signal;
      const after: unknown = options.after;
      return {
        followMs: typeof followMs === "number" && Number.isFinite(followMs) && followMs >= 0 ? followMs : 3_600_000,
        signal: signal instanceof AbortSignal ? signal : undefined,
        after: typeof after === "number" ? (after as EventCursor) : undefined,
      };
    },
    () => ({ followMs: 3_600_000, signal: undefined, after: undefined }),
  );
  if (typeof callId !== "string") return errAsync({ _tag: "CallEndUnknown", callId: "", waitedMs: 0, message: "callId must be a string" });
  const run = async (): Promise<Result<CallEnd, FollowError>> => {
    const started = safeNow(undefined);
    const deadline = started + read.followMs;
    const follower = source.follow({ callId }, read.after === undefined ? {} : { after: read.after });
    let state: CallState | undefined;
    const unknownEnd = (): Result<CallEnd, FollowError> => {
      const end = state === undefined ? undefined : state._tag === "Rejected" ? endOf(state) : undefined;
      if (end !== undefined) return ok(end);
      const waitedMs = Math.max(0, safeNow(undefined) - started);
      return err({ _tag: "CallEndUnknown", callId, ...(state !== undefined && { state }), waitedMs, message: `The call did not end within ${read.followMs} ms` });
    };
    for (let n = 0; n < MAX_EVENTS && state?.ending === undefined; n++) {
      const remaining = Math.max(0, deadline - safeNow(undefined));
      const next = await follower.next({ deadlineMs: remaining, ...(read.signal !== undefined && { signal: read.signal }) });
      if (next.isErr()) {
        follower.close();
        return next.error._tag === "EventWaitTimeout" ? unknownEnd() : err(next.error);
      }
      state = foldCall(state, next.value);
    }
    // Events already queued behind the terminate (a late ACCEPTED, a recording) still count.
    for (let n = 0; n < MAX_EVENTS; n++) {
      const late = await follower.next({ deadlineMs: 0 });
      if (late.isErr()) break;
      state = foldCall(state, late.value);
    }
    follower.close();
    const end = state === undefined ? undefined : endOf(state);
    return end === undefined ? unknownEnd() : ok(end);
  };
  const failed = (): Result<CallEnd, FollowError> =>
    err({ _tag: "CallEndUnknown", callId: callId.slice(0, 512), waitedMs: 0, message: "The event source or the signal failed" });
  return new ResultAsync(run().catch(failed));
}
