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

function shown(session: WebhookSession, scrub: Scrubber | undefined): Shown {
  return { sdpType: session.sdpType, sdp: redact(session.sdp, scrub) };
}

/** Builds a {@link WebhookSession}; `scrub` names exact secrets to hide from its printed forms. */
export function makeSession(sdpType: "offer" | "answer", sdp: string, scrub?: Scrubber): WebhookSession {
  const session = Object.create(null) as WebhookSession;
  Object.defineProperties(session, {
    sdpType: { value: sdpType, enumerable: true },
    sdp: { value: sdp, enumerable: false },
    toJSON: { value: () => shown(session, scrub), enumerable: false },
    // util.inspect calls this with (depth, options, inspect); printing the redacted copy keeps the
    // usual formatting.
    [nodeInspect]: {
      value: (_depth: unknown, options: unknown, inspect: unknown) =>
        typeof inspect === "function" ? (inspect as (v: unknown, o: unknown) => string)(shown(session, scrub), options) : shown(session, scrub),
      enumerable: false,
    },
    [denoInspect]: { value: () => shown(session, scrub), enumerable: false },
  });
  return Object.freeze(session);
}
