/**
 * One fake Calling API, without its server: the state, the rules, the fault queue, the webhook
 * sender and the user's side, joined. {@link startFakeCallingApi} serves it on its own port; the
 * dev console serves the same core next to its page.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Change } from "../webhooks.js";
import { delivery } from "../webhooks.js";
import { createFaultQueue, type FaultQueue } from "./faults.js";
import { createFakeListener, type Exchange } from "./http.js";
import { createOutbox, type DeliveryAttempt, type Outbox } from "./outbox.js";
import { createRules, type Rules } from "./rules.js";
import { createState, type FakeState } from "./state.js";
import type { FakeCallingApi, FakeCallingApiOptions, RecordedRequest } from "./types.js";
import { createUserSide } from "./user.js";

/** What the core tells an observer (the dev console's timeline). */
export interface CoreObserver {
  readonly onExchange?: (x: Exchange) => void;
  readonly onWebhook?: (a: DeliveryAttempt) => void;
}

/** The core's internals, for the dev console: the same objects the public controls act on. */
export interface FakeCore {
  /** Every control of the fake but its URL and `close`. */
  readonly api: Omit<FakeCallingApi, "url" | "close">;
  readonly state: FakeState;
  readonly rules: Rules;
  readonly faults: FaultQueue;
  readonly outbox: Outbox;
  readonly requests: RecordedRequest[];
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** The business's own number, as webhooks show it. */
  readonly business: string;
}

/** Extra settings of the core that the public options do not offer. */
export interface CoreSettings {
  /** Delays before each redelivery of a webhook not answered 2xx (Meta retries for days). */
  readonly redeliverAfterMs?: readonly number[];
}

/** Builds one fake Calling API (no server). */
export function createFakeCore(options: FakeCallingApiOptions = {}, observer: CoreObserver = {}, settings: CoreSettings = {}): FakeCore {
  const accessToken = options.accessToken ?? "fake-access-token";
  const phoneNumberId = options.phoneNumberId ?? "1234567890";
  const clock = options.clock ?? Date.now;
  const business = "15550009999";
  const state = createState(options);
  const outbox = createOutbox({
    target: options.webhook,
    clock,
    ...(settings.redeliverAfterMs !== undefined && { redeliverAfterMs: settings.redeliverAfterMs }),
    ...(observer.onWebhook !== undefined && { onAttempt: observer.onWebhook }),
  });
  const emit = (change: Change) => outbox.send(delivery([change]));
  const rules = createRules({
    state,
    clock,
    phoneNumberId,
    business,
    emit,
    ...(options.allowedList !== undefined && { allowedList: options.allowedList }),
    ...(options.messagingLimit !== undefined && { messagingLimit: options.messagingLimit }),
    ...(options.legacyLookupLimitCode !== undefined && { legacyLookupLimitCode: options.legacyLookupLimitCode }),
  });
  const faults = createFaultQueue();
  const requests: RecordedRequest[] = [];
  const listener = createFakeListener({ accessToken, clock, rules, faults, requests, ...(observer.onExchange !== undefined && { onExchange: observer.onExchange }) });
  const user = createUserSide({ state, rules, clock, phoneNumberId, business, emit });
  const api: FakeCore["api"] = {
    accessToken,
    phoneNumberId,
    ...user,
    sendWebhook: (body) => outbox.send(body),
    webhooksIdle: () => outbox.idle(),
    webhooks: outbox.sent,
    fault(fault, o = {}) {
      faults.push(fault, o.operation, o.times ?? 1);
    },
    clearFaults: () => faults.clear(),
    calls: () => [...state.calls.values()],
    requests,
  };
  return { api, state, rules, faults, outbox, requests, listener, business };
}
