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

/**
 * A session: `sdpType` its one own property, the text and the scrubber of its printed forms in
 * private fields (`sdp` is read through the prototype's getter, so it is not an own property at
 * all), frozen. A class instead of `defineProperty` per session: a seventh of the cost.
 */
class Session implements WebhookSession {
  readonly #sdp: string;
  readonly #scrub: Scrubber | undefined;
  readonly sdpType: "offer" | "answer";

  constructor(sdpType: "offer" | "answer", sdp: string, scrub: Scrubber | undefined) {
    this.sdpType = sdpType;
    this.#sdp = sdp;
    this.#scrub = scrub;
    Object.freeze(this);
  }

  get sdp(): string {
    return this.#sdp;
  }

  toJSON(): Shown {
    return { sdpType: this.sdpType, sdp: redact(this.#sdp, this.#scrub) };
  }

  // util.inspect calls this with (depth, options, inspect); printing the redacted copy keeps the
  // usual formatting.
  [nodeInspect](_depth: unknown, options: unknown, inspect: unknown): unknown {
    return typeof inspect === "function" ? (inspect as (v: unknown, o: unknown) => string)(this.toJSON(), options) : this.toJSON();
  }

  [denoInspect](): Shown {
    return this.toJSON();
  }
}

// What every session inherits and nothing else (no member of Object.prototype).
Object.setPrototypeOf(Session.prototype, null);

/** Builds a {@link WebhookSession}; `scrub` names exact secrets to hide from its printed forms. */
export function makeSession(sdpType: "offer" | "answer", sdp: string, scrub?: Scrubber): WebhookSession {
  return new Session(sdpType, sdp, scrub);
}
