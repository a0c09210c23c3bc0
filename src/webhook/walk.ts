/**
 * The guarded item boundary of the delivery walk: a sink for events and problems, and a visit of
 * a list that decodes each item on its own, so one unreadable item becomes a problem with its
 * JSON path and its neighbours are still decoded.
 *
 * @module
 */
import { guard } from "../internal/guard.js";
import { redactDeep, type Scrubber } from "../internal/redact.js";
import { redactJson } from "../internal/redact-json.js";
import { fixKey, rememberSource } from "./event-key.js";
import type { CallEvent, WebhookItemProblem } from "./event-types.js";
import { ItemRejected, readOwn, reject, type Obj } from "./read.js";

/** Items read from one list (`entry`, `changes`, `calls`, …); Meta's batches hold far fewer. */
export const MAX_LIST_ITEMS = 10_000;
/** Problems listed for one delivery; past it, one more problem says how many were left out. */
export const MAX_PROBLEMS = 100;

/** What the walk has found so far. */
export interface Sink {
  readonly events: CallEvent[];
  readonly problems: WebhookItemProblem[];
  dropped: number;
  readonly scrub: Scrubber;
  /** The exact secrets behind `scrub`, for `decodeGraphError` and `decodeCallingResponse`. */
  readonly secrets: readonly string[];
  /**
   * The delivery is JSON the caller parsed itself and hands over (nothing else holds it): each
   * event's key is fixed as it is pushed, and a `raw` that redaction leaves unchanged is the
   * parsed item itself instead of a copy.
   */
  readonly owned: boolean;
}

/** Records a problem (up to {@link MAX_PROBLEMS}). */
export function problem(sink: Sink, path: string, message: string): void {
  if (sink.problems.length < MAX_PROBLEMS) sink.problems.push({ _tag: "MalformedItem", path, message });
  else sink.dropped++;
}

/** Runs the decoding of one item; anything it throws becomes a problem at the item's path. */
export function guarded(sink: Sink, path: string, run: () => void): void {
  guard(run, (cause) => {
    if (cause instanceof ItemRejected) problem(sink, cause.path, cause.message);
    else problem(sink, path, "could not be read (a getter or Proxy threw while reading it)");
  });
}

/** The items of `list` to read: at most {@link MAX_LIST_ITEMS}; `length` of any type is tolerated. */
export function lengthOf(list: readonly unknown[]): { readonly length: number; readonly n: number } {
  const rawLength: unknown = (list as { length: unknown }).length;
  const length = typeof rawLength === "number" && Number.isSafeInteger(rawLength) && rawLength > 0 ? rawLength : 0;
  return { length, n: Math.min(length, MAX_LIST_ITEMS) };
}

/**
 * Visits the items of the list at `parent[key]`, each in its own guarded boundary. A missing
 * optional list is empty; a value that is not a list is one problem.
 */
export function eachItem(sink: Sink, parent: Obj, key: string, path: string, required: boolean, visit: (item: unknown, itemPath: string) => void): void {
  const listPath = `${path}.${key}`;
  const list = readOwn(parent, key);
  if (list === undefined && !required) return;
  if (!Array.isArray(list)) reject(listPath, "expected an array");
  eachOf(sink, list as readonly unknown[], listPath, visit);
}

/** Visits the items of a list already read, each in its own guarded boundary. */
export function eachOf(sink: Sink, list: readonly unknown[], listPath: string, visit: (item: unknown, itemPath: string) => void): void {
  const { length, n } = lengthOf(list);
  for (let i = 0; i < n; i++) {
    const itemPath = `${listPath}[${i}]`;
    guarded(sink, itemPath, () => visit(list[i], itemPath));
  }
  if (length > n) problem(sink, listPath, `holds ${length} items; only the first ${n} were read`);
}

/** Adds an event, with the delivered item its {@link eventKey} is computed from. */
export function push(sink: Sink, event: CallEvent, source: unknown): void {
  if (sink.owned) fixKey(event, source);
  else rememberSource(event, source);
  sink.events.push(event);
}

/** The `raw` of an event: a redacted, bounded, JSON-safe copy of the item (the item itself when owned JSON that redaction leaves unchanged). */
export function rawOf(sink: Sink, item: unknown): unknown {
  return sink.owned ? redactJson(item, sink.scrub) : redactDeep(item, sink.scrub);
}
