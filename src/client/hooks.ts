/**
 * Client hooks: callbacks told when a call starts, when each of its attempts ends and when it
 * ends, with facts that are safe to log as they are (operation, attempt, HTTP status, error tag,
 * durations). They observe; they never change what the client sends or returns. A hook that
 * throws or returns a rejecting promise is reported to `onHookError` (or nowhere) and the call
 * goes on as if it had returned.
 *
 * @module
 */
import type { Operation } from "../catalog.js";
import type { GraphError } from "../errors.js";
import type { InvalidInput, OutcomeUnknown, TransportError } from "./errors.js";

type ClientFailure = GraphError | TransportError | InvalidInput | OutcomeUnknown;

/** The `_tag` of anything a client method or one of its attempts can fail with. */
export type ClientErrorTag = ClientFailure["_tag"];

/** The category of anything a client method can fail with (`transport` included). */
export type ClientErrorCategory = ClientFailure["category"];

/** What every hook is told about the call it reports on. */
export interface HookCallInfo {
  /**
   * A number unique to this method call within the process (1, 2, …), the same on its start, its
   * attempts and its end: what ties their log lines (or spans) together.
   */
  readonly seq: number;
  /** The Calling API operation, e.g. `connect`, `get_call_permissions`. */
  readonly operation: Operation;
  /** The business phone number's id; absent when the client's options were refused. */
  readonly phoneNumberId?: string;
}

/** A method call starts (before its input is checked). */
export type CallStartInfo = HookCallInfo;

/** One HTTP attempt of a call ended. */
export interface AttemptEndInfo extends HookCallInfo {
  /** 1-based: 2 and more are retries. */
  readonly attempt: number;
  readonly method: "GET" | "POST";
  /** The path with the phone number id as a placeholder, e.g. `/v23.0/{phone_number_id}/calls`. */
  readonly urlTemplate: string;
  /** The host the request went to (`graph.facebook.com` unless `baseUrl` says otherwise). */
  readonly serverAddress: string;
  readonly serverPort: number;
  /** Whether the attempt got the answer the call wanted. */
  readonly ok: boolean;
  /** The HTTP status; absent when no response arrived (refused, reset, timeout, abort). */
  readonly httpStatus?: number;
  /** What the attempt failed with: a decoded tag (`ThroughputLimit`) or a transport one (`Timeout`). */
  readonly errorTag?: ClientErrorTag;
  readonly errorCategory?: ClientErrorCategory;
  /** The Graph error code, when the answer was a Graph error. */
  readonly errorCode?: number;
  /** The system error code of a network failure (`ECONNREFUSED`, `ECONNRESET`, …), when known. */
  readonly networkErrorCode?: string;
  /** Milliseconds from sending to the end of the attempt (body read included). */
  readonly durationMs: number;
  /** Set when another attempt follows: the wait before it, in milliseconds. */
  readonly retryDelayMs?: number;
}

/** A method call ended: told just before its result is delivered. */
export interface CallEndInfo extends HookCallInfo {
  readonly ok: boolean;
  /** Requests sent (0 when the input was refused). */
  readonly attempts: number;
  /** Milliseconds from the method call to its result, waits between attempts included. */
  readonly durationMs: number;
  /** The HTTP status of the last answer, when there was one. */
  readonly httpStatus?: number;
  /** The `_tag` of the error the call returned. */
  readonly errorTag?: ClientErrorTag;
  readonly errorCategory?: ClientErrorCategory;
  /** The Graph error code of the error (on `OutcomeUnknown`, of the decoded answer), when there is one. */
  readonly errorCode?: number;
  /** The error's `retryable`. */
  readonly retryable?: boolean;
}

/** The name of a hook, as {@link HookErrorInfo} reports it. */
export type HookName = "onCallStart" | "onAttemptEnd" | "onCallEnd";

/** Which hook failed, on which call. */
export interface HookErrorInfo {
  readonly hook: HookName;
  readonly seq: number;
  readonly operation: Operation;
}

/**
 * Callbacks that observe the client's calls. Each is optional, called synchronously and never
 * awaited: a hook that returns a promise does not delay the call. Every info object holds only
 * numbers, booleans and short identifiers: never the token, a header, a request or response body
 * (an SDP and its ICE credentials included) or an error message, so it can be logged as it is.
 */
export interface ClientHooks {
  /** A method call starts. */
  readonly onCallStart?: (info: CallStartInfo) => void;
  /** One HTTP attempt ended; `retryDelayMs` says whether and when another follows. */
  readonly onAttemptEnd?: (info: AttemptEndInfo) => void;
  /** A method call ended; called exactly once for each `onCallStart`, before the result is delivered. */
  readonly onCallEnd?: (info: CallEndInfo) => void;
  /**
   * A hook of this object threw or its promise rejected. Without it, such failures are ignored.
   * What this one throws is ignored.
   */
  readonly onHookError?: (error: unknown, info: HookErrorInfo) => void;
}

/** A hooks object read once: its functions, and the object they are called on. */
export interface ReadHooks {
  readonly target: object;
  readonly onCallStart: ((info: CallStartInfo) => unknown) | undefined;
  readonly onAttemptEnd: ((info: AttemptEndInfo) => unknown) | undefined;
  readonly onCallEnd: ((info: CallEndInfo) => unknown) | undefined;
  readonly onHookError: ((error: unknown, info: HookErrorInfo) => unknown) | undefined;
}

/** Most hooks objects a client takes: each costs a call per event. */
export const MAX_HOOKS = 16;

const names = ["onCallStart", "onAttemptEnd", "onCallEnd", "onHookError"] as const;

/**
 * Reads the `hooks` option once (every getter runs once): a list of hooks objects, or the field
 * at fault. Throws when a getter or a Proxy throws (the caller turns that into a problem).
 */
export function readHooks(value: unknown): { readonly hooks: readonly ReadHooks[] } | { readonly problem: { readonly field: string; readonly message: string } } {
  if (value === undefined) return { hooks: [] };
  const list: unknown[] = [];
  if (Array.isArray(value)) {
    const length: unknown = value.length;
    if (typeof length !== "number" || length > MAX_HOOKS) return { problem: { field: "hooks", message: `at most ${MAX_HOOKS} hooks objects are allowed` } };
    for (let i = 0; i < length; i++) list.push(value[i]);
  } else list.push(value);
  const out: ReadHooks[] = [];
  for (const [i, h] of list.entries()) {
    const where = Array.isArray(value) ? `hooks[${i}]` : "hooks";
    if (typeof h !== "object" || h === null) return { problem: { field: where, message: "must be an object of hook functions" } };
    const fns: Record<string, unknown> = {};
    for (const name of names) {
      const f: unknown = (h as Record<string, unknown>)[name];
      if (f !== undefined && typeof f !== "function") return { problem: { field: `${where}.${name}`, message: "must be a function" } };
      fns[name] = f;
    }
    out.push({
      target: h,
      onCallStart: fns["onCallStart"] as ReadHooks["onCallStart"],
      onAttemptEnd: fns["onAttemptEnd"] as ReadHooks["onAttemptEnd"],
      onCallEnd: fns["onCallEnd"] as ReadHooks["onCallEnd"],
      onHookError: fns["onHookError"] as ReadHooks["onHookError"],
    });
  }
  return { hooks: out };
}

/** Watches what a hook returned: a rejection of a promise or thenable is reported, never left unhandled. */
function watch(result: unknown, onError: (e: unknown) => void): void {
  if (result === null || (typeof result !== "object" && typeof result !== "function")) return;
  // Resolving reads `then` at most once, inside the promise machinery: a getter that throws rejects.
  Promise.resolve(result).then(undefined, onError);
}

/** Tells `onHookError`, if any, that a hook failed. Never throws. */
function report(h: ReadHooks, error: unknown, info: HookErrorInfo): void {
  const f = h.onHookError;
  if (f === undefined) return;
  try {
    watch(f.call(h.target, error, info), () => {});
  } catch {
    // What the error hook throws is ignored.
  }
}

/** Calls one hook of every hooks object with a frozen info. Never throws, never waits. */
function invoke<I extends HookCallInfo>(hooks: readonly ReadHooks[], name: HookName, info: I): void {
  const frozen = Object.freeze(info);
  for (const h of hooks) {
    const f = h[name] as ((info: I) => unknown) | undefined;
    if (f === undefined) continue;
    const failed = (e: unknown) => report(h, e, { hook: name, seq: info.seq, operation: info.operation });
    try {
      watch(f.call(h.target, frozen), failed);
    } catch (e) {
      failed(e);
    }
  }
}

let lastSeq = 0;

/** What the client knows of an attempt when it ends (the rest of the info comes from the call). */
export type AttemptFacts = Pick<
  AttemptEndInfo,
  "attempt" | "ok" | "httpStatus" | "errorTag" | "errorCategory" | "errorCode" | "networkErrorCode" | "durationMs" | "retryDelayMs"
>;

/** Where every attempt of a client goes, and how (fixed per client). */
export interface Target {
  readonly phoneNumberId: string;
  readonly apiVersion: string;
  readonly serverAddress: string;
  readonly serverPort: number;
}

/** What a call reports through: `attempt` is handed to the attempt loop. */
export interface CallObserver {
  readonly attempt: ((facts: AttemptFacts, method: "GET" | "POST", path: string) => void) | undefined;
  /** Reports the end from the call's result (once; later calls do nothing). */
  end(result: { isOk(): boolean; readonly error?: unknown }): void;
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());
const ms = (x: number): number => Math.round(x * 1000) / 1000;

const silent: CallObserver = { attempt: undefined, end: () => {} };

/** Reads a field of an error value the client built (a plain object). */
function field(e: unknown, key: string): unknown {
  return typeof e === "object" && e !== null ? (e as Record<string, unknown>)[key] : undefined;
}

/** The end info of a call from its result. */
function endInfo(base: HookCallInfo, result: { isOk(): boolean; readonly error?: unknown }, attemptsSeen: number, lastStatus: number | undefined, durationMs: number): CallEndInfo {
  if (result.isOk()) return { ...base, ok: true, attempts: attemptsSeen, durationMs, ...(lastStatus !== undefined && { httpStatus: lastStatus }) };
  const e = result.error;
  const tag = field(e, "_tag");
  const category = field(e, "category");
  const attempts = field(e, "attempts");
  const status = field(e, "httpStatus");
  const code = field(e, "code") ?? field(field(e, "error"), "code");
  const retryable = field(e, "retryable");
  return {
    ...base,
    ok: false,
    attempts: typeof attempts === "number" ? attempts : attemptsSeen,
    durationMs,
    ...(typeof status === "number" ? { httpStatus: status } : lastStatus !== undefined && { httpStatus: lastStatus }),
    ...(typeof tag === "string" && { errorTag: tag as ClientErrorTag }),
    ...(typeof category === "string" && { errorCategory: category as ClientErrorCategory }),
    ...(typeof code === "number" && { errorCode: code }),
    ...(typeof retryable === "boolean" && { retryable }),
  };
}

/**
 * Starts observing one call: tells `onCallStart` now and returns what reports its attempts and its
 * end. With no hooks, nothing is computed.
 */
export function observeCall(hooks: readonly ReadHooks[], operation: Operation, target: Target | undefined): CallObserver {
  if (hooks.length === 0) return silent;
  const started = now();
  const base: HookCallInfo = { seq: ++lastSeq, operation, ...(target !== undefined && { phoneNumberId: target.phoneNumberId }) };
  invoke(hooks, "onCallStart", { ...base });
  let ended = false;
  let attemptsSeen = 0;
  let lastStatus: number | undefined;
  return {
    attempt:
      target === undefined
        ? undefined
        : (facts, method, path) => {
            attemptsSeen = facts.attempt;
            lastStatus = facts.httpStatus;
            invoke<AttemptEndInfo>(hooks, "onAttemptEnd", {
              ...base,
              attempt: facts.attempt,
              method,
              urlTemplate: `/${target.apiVersion}/{phone_number_id}/${path}`,
              serverAddress: target.serverAddress,
              serverPort: target.serverPort,
              ok: facts.ok,
              ...(facts.httpStatus !== undefined && { httpStatus: facts.httpStatus }),
              ...(facts.errorTag !== undefined && { errorTag: facts.errorTag }),
              ...(facts.errorCategory !== undefined && { errorCategory: facts.errorCategory }),
              ...(facts.errorCode !== undefined && { errorCode: facts.errorCode }),
              ...(facts.networkErrorCode !== undefined && { networkErrorCode: facts.networkErrorCode }),
              durationMs: ms(facts.durationMs),
              ...(facts.retryDelayMs !== undefined && { retryDelayMs: ms(facts.retryDelayMs) }),
            });
          },
    end(result) {
      if (ended) return;
      ended = true;
      let info: CallEndInfo;
      try {
        info = endInfo(base, result, attemptsSeen, lastStatus, ms(now() - started));
      } catch {
        info = { ...base, ok: false, attempts: attemptsSeen, durationMs: ms(now() - started) };
      }
      invoke(hooks, "onCallEnd", info);
    },
  };
}
