/**
 * The SDP session of a connect event: the application reads the full text, every printed or
 * serialized form shows it with the ICE credentials redacted.
 *
 * @module
 */
import { redact, type Scrubber } from "../internal/redact.js";

/**
 * An SDP offer or answer carried by a connect webhook. `sdp` is the full text (apply it to your
 * peer connection). `JSON.stringify`, `util.inspect` / `console.log` (Node, Bun, Deno) print it
 * with the ICE credentials redacted, and `sdp` is not enumerable, so spreading, `Object.entries`
 * or `structuredClone` of the session do not copy it either.
 */
export interface WebhookSession {
  readonly sdpType: "offer" | "answer";
  readonly sdp: string;
  toJSON(): { readonly sdpType: "offer" | "answer"; readonly sdp: string };
}

const nodeInspect = Symbol.for("nodejs.util.inspect.custom");
const denoInspect = Symbol.for("Deno.customInspect");

interface Shown {
  readonly sdpType: "offer" | "answer";
  readonly sdp: string;
}

/** Where a session keeps the scrubber of its printed forms (own, non-enumerable). */
const scrubOf = Symbol("wacall.session.scrub");

interface Held extends WebhookSession {
  readonly [scrubOf]: Scrubber | undefined;
}

function shown(session: Held): Shown {
  return { sdpType: session.sdpType, sdp: redact(session.sdp, session[scrubOf]) };
}

/**
 * What every session inherits (no other prototype: nothing of `Object.prototype`): the printed
 * and serialized forms, shared instead of three closures per session.
 */
const sessionProto: object = Object.create(null, {
  toJSON: {
    value: function toJSON(this: Held): Shown {
      return shown(this);
    },
  },
  // util.inspect calls this with (depth, options, inspect); printing the redacted copy keeps the
  // usual formatting.
  [nodeInspect]: {
    value: function inspect(this: Held, _depth: unknown, options: unknown, inspect: unknown): unknown {
      return typeof inspect === "function" ? (inspect as (v: unknown, o: unknown) => string)(shown(this), options) : shown(this);
    },
  },
  [denoInspect]: {
    value: function inspect(this: Held): Shown {
      return shown(this);
    },
  },
}) as object;

/** Builds a {@link WebhookSession}; `scrub` names exact secrets to hide from its printed forms. */
export function makeSession(sdpType: "offer" | "answer", sdp: string, scrub?: Scrubber): WebhookSession {
  const session = Object.create(sessionProto) as { sdpType: string };
  session.sdpType = sdpType;
  Object.defineProperty(session, "sdp", { value: sdp, enumerable: false });
  Object.defineProperty(session, scrubOf, { value: scrub, enumerable: false });
  return Object.freeze(session) as Held;
}
