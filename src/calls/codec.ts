/**
 * Call events and call states as text, for a shared store or a stream between processes: JSON
 * that keeps what plain JSON loses (dates, the SDP text a session hides from printing). Decoding
 * is total: text that is not an encoded value gives `undefined`.
 *
 * @module
 */
import { guard } from "../internal/guard.js";
import type { CallEvent } from "../webhook/event-types.js";
import { makeSession } from "../webhook/session.js";
import type { CallState } from "./state-types.js";

/** Marker keys of the encoding: a date, a session, and a plain object that happens to use a marker key. */
const DATE = "\u0000d";
const SESSION = "\u0000s";
const ESCAPED = "\u0000o";
const MARKERS = new Set([DATE, SESSION, ESCAPED]);

/** Nesting deeper than this is cut (events are shallow; `raw` is already bounded to depth 8). */
const MAX_DEPTH = 32;
/**
 * The most values one encoding visits. A decoded event holds a few hundred; a value past this
 * (a graph of shared references, whose paths grow exponentially with depth) is not an event, and
 * encoding it gives `undefined` instead of exhausting memory.
 */
const MAX_NODES = 100_000;

/** Thrown inside the guarded encoder only, when the budget runs out; never escapes it. */
const overBudget: unique symbol = Symbol("over budget");

function isSession(v: object): v is { sdpType: "offer" | "answer"; sdp: string } {
  const s = v as { sdpType?: unknown; sdp?: unknown; toJSON?: unknown };
  return (s.sdpType === "offer" || s.sdpType === "answer") && typeof s.sdp === "string" && typeof s.toJSON === "function" && !Object.keys(v).includes("sdp");
}

function encodeValue(v: unknown, depth: number, budget: { nodes: number }): unknown {
  if (--budget.nodes < 0) throw overBudget;
  if (typeof v !== "object" || v === null) return typeof v === "number" && !Number.isFinite(v) ? null : typeof v === "bigint" || typeof v === "function" || typeof v === "symbol" ? undefined : v;
  if (depth > MAX_DEPTH) return null;
  if (v instanceof Date) return { [DATE]: v.getTime() };
  if (Array.isArray(v)) return v.map((x) => encodeValue(x, depth + 1, budget) ?? null);
  if (isSession(v)) return { [SESSION]: [v.sdpType, v.sdp] };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = encodeValue((v as Record<string, unknown>)[k], depth + 1, budget);
    if (x !== undefined) out[k] = x;
  }
  const keys = Object.keys(out);
  return keys.length === 1 && MARKERS.has(keys[0] as string) ? { [ESCAPED]: out } : out;
}

function decodeValue(v: unknown, depth: number): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (depth > MAX_DEPTH) return null;
  if (Array.isArray(v)) return v.map((x) => decodeValue(x, depth + 1));
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const only = keys[0] as string;
    if (only === DATE) {
      const t = o[DATE];
      return typeof t === "number" ? new Date(t) : null;
    }
    if (only === SESSION) {
      const s = o[SESSION];
      return Array.isArray(s) && (s[0] === "offer" || s[0] === "answer") && typeof s[1] === "string" ? makeSession(s[0], s[1]) : null;
    }
    if (only === ESCAPED) {
      const inner = o[ESCAPED];
      if (typeof inner !== "object" || inner === null) return null;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(inner)) out[k] = decodeValue(x, depth + 1);
      return out;
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = decodeValue(o[k], depth + 1);
  return out;
}

/** Text of a value, or `undefined` when it cannot be read (a getter or Proxy threw). */
function encode(v: unknown): string | undefined {
  return guard(() => JSON.stringify(encodeValue(v, 0, { nodes: MAX_NODES })), () => undefined);
}

function decodeTagged(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== "string") return undefined;
  return guard(
    () => {
      const v = decodeValue(JSON.parse(text), 0);
      return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { _tag?: unknown })._tag === "string" ? (v as Record<string, unknown>) : undefined;
    },
    () => undefined,
  );
}

/**
 * A call event as text, SDP and dates included: what a shared event stream carries. The text
 * holds the SDP's ICE credentials (the peer on the other process needs them): keep it in your
 * own store, do not log it. `undefined` when the event cannot be read.
 *
 * @example
 * const text = encodeCallEvent(event); // XADD … e <text>
 * const back = decodeCallEvent(text);  // a CallEvent again, its session hidden from printing
 */
export function encodeCallEvent(event: CallEvent): string | undefined {
  return typeof event === "object" && event !== null ? encode(event) : undefined;
}

/**
 * The call event {@link encodeCallEvent} wrote, or `undefined` for any other text. Never throws.
 *
 * @example
 * const event = decodeCallEvent(text);
 * if (event !== undefined) source.publish(event);
 */
export function decodeCallEvent(text: string): CallEvent | undefined {
  return decodeTagged(text) as CallEvent | undefined;
}

/**
 * A call state as text (see {@link encodeCallEvent}); `undefined` when it cannot be read.
 *
 * @example
 * const text = encodeCallState(state);
 */
export function encodeCallState(state: CallState): string | undefined {
  return typeof state === "object" && state !== null ? encode(state) : undefined;
}

/**
 * The call state {@link encodeCallState} wrote, or `undefined` for any other text. Never throws.
 *
 * @example
 * const state = decodeCallState(text);
 */
export function decodeCallState(text: string): CallState | undefined {
  const v = decodeTagged(text);
  return v !== undefined && typeof v["callId"] === "string" && Array.isArray(v["statuses"]) && Array.isArray(v["anomalies"]) ? (v as unknown as CallState) : undefined;
}
