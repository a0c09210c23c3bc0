/**
 * How the hostile suite calls each public export of `wacall`, `wacall/webhook` and
 * `wacall/client`. A value export is only serialized; a function gets hostile arguments in every
 * position it has (and hostile contexts: headers, clocks, signals). A new export without a row
 * here fails the suite.
 */
import { err, errAsync, ok } from "neverthrow";
import * as core from "wacall";
import * as client from "wacall/client";
import * as webhook from "wacall/webhook";
import * as otel from "wacall/otel";
import * as redisModule from "wacall/redis";
import type { CallEvent, CallConnect, NodeRequestLike, NodeResponseLike, WebhookHandlerOptions } from "wacall/webhook";
import type { CallingClient, CallingClientOptions, OutcomeUnknown, SdpAnswer } from "wacall/client";
import { answering, type Hostile } from "./harness.js";

/** One row: how to call an export, or `"value"` for a constant. */
export type Call = "value" | ((h: Hostile) => unknown);

/** Lets a hostile value stand where a typed argument goes, as an untyped caller would pass it. */
const as = <T>(v: unknown): T => v as T;
/** An overloaded matcher, called as an untyped caller would. */
const untyped = (f: unknown) => f as (value: unknown, handlers: unknown) => unknown;
/** Handlers for every tag and category. */
const catchAll = () => new Proxy({}, { get: (_t, key) => (key === "then" ? undefined : () => "handled") });
/** {@link as} for generic parameters, which cannot infer the type they are given. */
const hv = (v: unknown): never => v as never;

const envelope = JSON.stringify({ error: { code: 138006, message: "(#138006) No approved call permission found", fbtrace_id: "AbC" } });

/** A well-behaved client over a fake fetch: the pipelines' hostile argument is elsewhere. */
export function quietClient(secret: string): CallingClient {
  return client.createCallingClient({
    accessToken: secret,
    phoneNumberId: "1234567890",
    fetch: answering(401, envelope),
    retry: { maxAttempts: 1, deadlineMs: 2_000 },
    timeoutMs: 1_000,
  });
}

const connectEvent = (): CallConnect => {
  const r = webhook.decodeWebhook({
    object: "whatsapp_business_account",
    entry: [{ id: "1", changes: [{ field: "calls", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "1" }, calls: [{ id: "wacid.X", from: "15551234567", to: "15550009999", event: "connect", direction: "USER_INITIATED", timestamp: String(Math.floor(Date.now() / 1000)), session: { sdp_type: "offer", sdp: "v=0\r\na=ice-pwd:abcdefgh12345678\r\n" } }] } }] }],
  });
  const e = r.isOk() ? r.value[0] : undefined;
  return e as CallConnect;
};

/** Client options with one field (or all of them) replaced by a hostile value. */
function hostileOptions(h: Hostile): CallingClientOptions {
  const base: Record<string, unknown> = {
    accessToken: h.secret,
    phoneNumberId: "1234567890",
    fetch: answering(400, envelope),
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 1_500 },
    timeoutMs: 1_000,
  };
  const fields = ["accessToken", "phoneNumberId", "baseUrl", "apiVersion", "fetch", "timeoutMs", "retry", "clock", "random", "maxResponseBytes", "hooks"];
  const field = fields[h.pick % (fields.length + 1)];
  if (field === undefined) return hv(h.value);
  const replacement = field === "clock" ? h.clock : field === "fetch" && h.pick % 2 === 0 ? () => h.value : h.value;
  return as({ ...base, [field]: replacement });
}

/** Every method of a client, with hostile input and a hostile signal. */
function callEveryMethod(c: CallingClient, h: Hostile): Promise<unknown[]> {
  const opts = { signal: h.signal };
  return Promise.all([
    c.connect(hv(h.other), opts),
    c.preAccept(hv(h.other), opts),
    c.accept(hv(h.other), opts),
    c.reject(hv(h.other), opts),
    c.terminate(hv(h.other), opts),
    c.getCallPermissions(hv(h.other), opts),
    c.sendCallPermissionRequest(hv(h.other), opts),
    c.getCallingSettings(opts),
    c.updateCallingSettings(hv(h.other), opts),
  ]);
}

/** A `node:http`-like request that emits the hostile value's text as its body. */
function fakeNodeRequest(h: Hostile): NodeRequestLike {
  const listeners: Record<string, ((arg?: unknown) => void)[]> = {};
  const body = typeof h.other === "string" ? h.other : "{}";
  setTimeout(() => {
    for (const l of listeners["data"] ?? []) l(new TextEncoder().encode(body));
    for (const l of listeners["end"] ?? []) l();
  }, 0);
  return {
    method: "POST",
    url: "/webhook",
    headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=00" },
    on(event: string, listener: (arg?: unknown) => void) {
      (listeners[event] ??= []).push(listener);
      return this;
    },
  } as NodeRequestLike;
}

/** A response that records its end, so a call can wait for it. */
function recordingResponse(): { res: NodeResponseLike; ended: Promise<number> } {
  let done: (status: number) => void = () => undefined;
  const ended = new Promise<number>((resolve) => (done = resolve));
  const res = {
    statusCode: 200,
    headersSent: false,
    setHeader: () => res,
    end: () => done(res.statusCode),
    destroy: () => done(-1),
  };
  return { res: res as unknown as NodeResponseLike, ended };
}

/** Waits for the listener's answer, or a moment when a hostile response cannot say. */
const answered = (ended: Promise<number>, ms = 500) => Promise.race([ended, new Promise((r) => setTimeout(() => r("no answer"), ms))]);

function webhookOptions(h: Hostile): WebhookHandlerOptions {
  const base: Record<string, unknown> = { appSecret: h.secret, verifyToken: "verify-me", onEvent: () => undefined };
  const fields = ["appSecret", "verifyToken", "onEvent", "onError", "dedupe", "awaitHandlers", "maxBodyBytes", "waitUntil"];
  const field = fields[h.pick % (fields.length + 1)];
  return field === undefined ? hv(h.value) : as({ ...base, [field]: h.value });
}

function requestFrom(v: unknown): Request {
  return new Request("http://127.0.0.1/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1", {
    method: "POST",
    body: typeof v === "string" ? v : "{}",
    headers: { "x-hub-signature-256": "sha256=00" },
  });
}

/** `wacall` */
export const coreCalls: Record<keyof typeof core, Call> = {
  catalog: "value",
  categories: "value",
  operations: "value",
  fallbackTags: "value",
  callingCodeRange: "value",
  snippetLength: "value",
  malformedReasons: "value",
  sipCatalog: "value",
  retryAdviceKinds: "value",
  byAdvice: "value",
  byCategory: "value",
  byTag: "value",
  calling: "value",
  isRetryableAdvice: (h) => core.isRetryableAdvice(hv(h.value)),
  isAutomaticRetry: (h) => core.isAutomaticRetry(hv(h.value)),
  adviceOf: (h) => [core.adviceOf(hv(h.value), hv(h.other)), core.adviceOf("backoff", hv(h.value))],
  catalogEntry: (h) => core.catalogEntry(hv(h.value)),
  forOperation: (h) => [core.forOperation(hv(h.value), "connect"), core.forOperation(core.graphError("CallPermissionNotFound"), hv(h.other))],
  graphError: (h) => [core.graphError(hv(h.value)), core.graphError("CallPermissionNotFound", hv(h.other))],
  unknownError: (h) => core.unknownError(hv(h.value), hv(h.other)),
  malformedResponse: (h) => [core.malformedResponse(hv(h.value), hv(h.other)), core.malformedResponse("not-json", "x", hv(h.value))],
  isCallingCode: (h) => core.isCallingCode(hv(h.value)),
  decodeGraphError: (h) => [
    core.decodeGraphError(h.value, { status: 400, headers: h.headers, clock: h.clock, secrets: [h.secret] }),
    core.decodeGraphError(envelope, hv(h.value)),
    core.decodeGraphError(h.other, { status: hv(h.value), operation: hv(h.value), headers: hv(h.value), clock: hv(h.value), secrets: hv(h.value) }),
  ],
  parseCode: (h) => core.parseCode(h.value),
  asCallId: (h) => core.asCallId(h.value),
  asMessageId: (h) => core.asMessageId(h.value),
  decodeCallingResponse: (h) => [
    core.decodeCallingResponse("connect", { status: 200, body: h.value, headers: h.headers }, { clock: h.clock }),
    core.decodeCallingResponse("get_call_permissions", { status: 400, body: h.value, headers: h.headers }),
    core.decodeCallingResponse(hv(h.other), hv(h.value), hv(h.value)),
  ],
  decodeSipResponse: (h) => [core.decodeSipResponse(h.value, { clock: h.clock, secrets: [h.secret] }), core.decodeSipResponse("SIP/2.0 486 Busy Here\r\n\r\n", hv(h.value))],
  hasTag: (h) => core.hasTag(as<core.GraphError>(h.value), "CallPermissionNotFound", "DuplicateCall"),
  isCallingError: (h) => core.isCallingError(h.value),
  isGraphError: (h) => core.isGraphError(h.value),
  isRetryable: (h) => core.isRetryable(hv(h.value)),
  matchCategory: (h) => [untyped(core.matchCategory)(h.value, catchAll()), untyped(core.matchCategory)(core.graphError("CallPermissionNotFound"), h.value)],
  matchError: (h) => [untyped(core.matchError)(h.value, catchAll()), untyped(core.matchError)(core.graphError("CallPermissionNotFound"), h.value)],
  catchTags: async (h) => {
    const recover = { CallPermissionNotFound: () => ok("recovered") };
    return [
      untyped(core.catchTags)(h.value, recover) === h.value, // not a result: returned as it is
      core.catchTags(err(as<core.GraphError>(h.value)), recover).isErr(),
      core.catchTags(err(core.graphError("CallPermissionNotFound")), hv(h.value)).isErr(),
      (await core.catchTags(errAsync(core.graphError("CallPermissionNotFound")), hv(h.value))).isErr(),
    ];
  },
  toError: (h) => core.toError(hv(h.value)),
  computeRetryAt: (h) => [core.computeRetryAt(hv(h.value)), core.computeRetryAt({ details: hv(h.other), headers: h.headers, clock: h.clock })],
  getHeader: (h) => [core.getHeader(h.headers, "retry-after"), core.getHeader(hv(h.value), hv(h.other))],
  parseRetryAfter: (h) => [core.parseRetryAfter(hv(h.value), h.clock), core.parseRetryAfter("120", hv(h.other))],
  retryAtFromUsage: (h) => [core.retryAtFromUsage(h.headers, h.clock), core.retryAtFromUsage(hv(h.value), hv(h.other))],
  timeInText: (h) => [core.timeInText(hv(h.value), h.clock), core.timeInText("Next call allowed at 1900000000", hv(h.other))],
  encodeGraphError: (h) => core.encodeGraphError(hv(h.value)),
  encodeWebhookError: (h) => core.encodeWebhookError(hv(h.value)),
};

/** `wacall/webhook` */
export const webhookCalls: Record<keyof typeof webhook, Call> = {
  DEFAULT_MAX_BODY_BYTES: "value",
  ENTRY_OVERHEAD_BYTES: "value",
  webhookServerOptions: "value",
  eventCatalog: "value",
  decodeWebhook: (h) => [webhook.decodeWebhook(h.value, { secrets: [h.secret] }), webhook.decodeWebhook(h.other, hv(h.value))],
  decodeWebhookItems: (h) => [webhook.decodeWebhookItems(h.value, { secrets: [h.secret] }), webhook.decodeWebhookItems(h.other, hv(h.value))],
  eventKey: (h) => webhook.eventKey(hv(h.value)),
  memoryDedupeStore: async (h) => {
    const store = webhook.memoryDedupeStore(hv(h.value));
    return [await store.isHandled(hv(h.other)), await store.markHandled(hv(h.other)), await store.isHandled(hv(h.other))];
  },
  createWebhookHandler: async (h) => {
    const hostileOptions = webhook.createWebhookHandler(webhookOptions(h));
    const hostileRequest = webhook.createWebhookHandler({ appSecret: h.secret, verifyToken: "verify-me", onEvent: async () => undefined });
    // The third argument is a Workers execution context: a hostile one never breaks the answer.
    return [
      (await hostileOptions(requestFrom(h.other))).status,
      (await hostileRequest(hv(h.value))).status,
      (await hostileRequest(requestFrom(h.other), hv(h.other), hv(h.value))).status,
    ];
  },
  toNodeListener: async (h) => {
    const handler = webhook.createWebhookHandler({ appSecret: h.secret, verifyToken: "verify-me", onEvent: () => undefined });
    const good = recordingResponse();
    webhook.toNodeListener(handler, hv(h.value))(fakeNodeRequest(h), good.res);
    const bad = recordingResponse();
    webhook.toNodeListener(hv(h.other))(fakeNodeRequest(h), bad.res);
    webhook.toNodeListener(handler)(hv(h.value), hv(h.other));
    return [await answered(good.ended), await answered(bad.ended)];
  },
  parseSignatureHeader: (h) => webhook.parseSignatureHeader(hv(h.value)),
  signBody: (h) => Promise.all([webhook.signBody(hv(h.value), h.secret), webhook.signBody("{}", hv(h.other))]),
  verifySignature: (h) => Promise.all([webhook.verifySignature(h.value, "sha256=00", h.secret), webhook.verifySignature("{}", hv(h.value), hv(h.other))]),
  verifySubscription: (h) => [webhook.verifySubscription(hv(h.value), "verify-me"), webhook.verifySubscription("hub.mode=subscribe&hub.verify_token=x&hub.challenge=1", hv(h.other))],
};

/** `wacall/client` */
export const clientCalls: Record<keyof typeof client, Call> = {
  clientDefaults: "value",
  createCallingClient: (h) => callEveryMethod(client.createCallingClient(hostileOptions(h)), h),
  sdpOffer: (h) => client.sdpOffer(hv(h.value)),
  sdpAnswer: (h) => client.sdpAnswer(hv(h.value)),
  answerIncomingCall: (h) =>
    Promise.all([
      client.answerIncomingCall(quietClient(h.secret), hv(h.value), as<SdpAnswer>(h.other), { clock: h.clock }),
      client.answerIncomingCall(hv(h.value), connectEvent(), client.sdpAnswer("v=0"), hv(h.other)),
    ]),
  ensureCallPermission: (h) => Promise.all([client.ensureCallPermission(quietClient(h.secret), hv(h.value)), client.ensureCallPermission(hv(h.value), { user: "15551234567", requestBody: "May we call?" })]),
  settleOutcomeUnknown: (h) => [
    client.settleOutcomeUnknown(as<OutcomeUnknown>(h.value), as<Iterable<CallEvent>>(h.other)),
    client.settleOutcomeUnknown(as<OutcomeUnknown>({ _tag: "OutcomeUnknown", bizOpaqueCallbackData: "k", to: "1" }), as<Iterable<CallEvent>>(h.value)),
  ],
  foldCall: (h) => {
    const ringing = client.foldCall(undefined, connectEvent());
    return [client.foldCall(hv(h.value), hv(h.other)), ringing && client.foldCall(ringing, hv(h.value)), client.foldCall(hv(h.value), connectEvent())];
  },
  isCallOver: (h) => client.isCallOver(hv(h.value)),
  createCallEventSource: async (h) => {
    const hostile = client.createCallEventSource(hv(h.value));
    hostile.publish(hv(h.other));
    const source = client.createCallEventSource({ defaultDeadlineMs: 20, replaySize: 4 });
    source.publish(hv(h.value));
    source.publish(connectEvent());
    const follower = source.follow(hv(h.value), hv(h.other));
    const waits = await Promise.all([
      source.next(hv(h.value), hv(h.other)),
      source.next({ callId: "wacid.X" }, hv(h.value)),
      source.next(() => hv(h.value), { deadlineMs: 10, signal: h.signal }),
      follower.next(hv(h.other)),
      hostile.next({ callId: "wacid.X" }, { deadlineMs: 10 }),
    ]);
    follower.close();
    return [waits, source.stats(), source.position(), follower.dropped()];
  },
  followCall: (h) => {
    const source = client.createCallEventSource({ defaultDeadlineMs: 20 });
    source.publish(connectEvent());
    // A call that is over, so that hostile options (a one-hour follow by default) end at once.
    const ended = webhook.decodeWebhook({
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "calls", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "1" }, calls: [{ id: "wacid.X", event: "terminate", status: "COMPLETED", timestamp: "1" }] } }] }],
    });
    for (const e of ended.unwrapOr([])) source.publish(e);
    return Promise.all([client.followCall(hv(h.value), "wacid.X", { followMs: 20 }), client.followCall(source, hv(h.value), { followMs: 20 }), client.followCall(source, "wacid.X", hv(h.other))]);
  },
  placeCall: (h) => {
    const source = client.createCallEventSource({ defaultDeadlineMs: 20 });
    const input = { to: "15551234567", sdp: client.sdpOffer("v=0"), permissionRequestBody: "May we call?" };
    const options = { followMs: 20, settleMs: 20, permissionReplyMs: 20 };
    return Promise.all([
      client.placeCall(quietClient(h.secret), source, hv(h.value), options),
      client.placeCall(hv(h.value), source, input, options),
      client.placeCall(quietClient(h.secret), hv(h.value), input, hv(h.other)),
    ]);
  },
  answerCall: (h) => {
    const source = client.createCallEventSource({ defaultDeadlineMs: 20 });
    return Promise.all([
      client.answerCall(quietClient(h.secret), source, hv(h.value), client.sdpAnswer("v=0"), { followMs: 20 }),
      client.answerCall(hv(h.value), source, connectEvent(), as<SdpAnswer>(h.other), { followMs: 20 }),
      client.answerCall(quietClient(h.secret), hv(h.value), connectEvent(), client.sdpAnswer("v=0"), hv(h.other)),
    ]);
  },
  defaultCallLimits: "value",
  memoryCallStateStore: async (h) => {
    const s = client.memoryCallStateStore(hv(h.value));
    return [await s.apply(hv(h.other)), await s.apply(connectEvent()), await s.get(hv(h.value))];
  },
  encodeCallEvent: (h) => client.encodeCallEvent(hv(h.value)),
  decodeCallEvent: (h) => client.decodeCallEvent(hv(h.value)),
  encodeCallState: (h) => client.encodeCallState(hv(h.value)),
  decodeCallState: (h) => client.decodeCallState(hv(h.value)),
  memoryLimitGovernor: async (h) => {
    const g = client.memoryLimitGovernor(hv(h.value));
    return [
      await g.reserve(hv(h.other)),
      await g.reserve({ kind: "connect", user: "15551234567" }),
      await g.settle(hv(h.value), hv(h.other)),
      await g.release(hv(h.value)),
      await g.observe(hv(h.other)),
      await g.usage(hv(h.value)),
    ];
  },
  governed: async (h) => [
    await callEveryMethod(client.governed(quietClient(h.secret), client.memoryLimitGovernor(), hv(h.value)), h),
    await callEveryMethod(client.governed(hv(h.value), hv(h.other)), h),
  ],
};

/** `wacall/otel` */
export const otelCalls: Record<keyof typeof otel, Call> = {
  tracingDefaults: "value",
  tracingHooks: (h) =>
    client
      .createCallingClient({
        accessToken: h.secret,
        phoneNumberId: "1234567890",
        fetch: answering(401, envelope),
        retry: { maxAttempts: 1, deadlineMs: 2_000 },
        timeoutMs: 1_000,
        hooks: otel.tracingHooks(hv(h.value)),
      })
      .getCallingSettings(),
};

/** A Redis that refuses every connection. */
const downRedis = { sendCommand: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379")) };

/** `wacall/redis`: a hostile client or options, and a Redis that is down. */
export const redisCalls: Record<keyof typeof redisModule, Call> = {
  DEFAULT_COMMAND_TIMEOUT_MS: "value",
  redisDedupeStore: async (h) => {
    const s = redisModule.redisDedupeStore(hv(h.value), hv(h.other));
    const t = redisModule.redisDedupeStore(downRedis, { commandTimeoutMs: 50 });
    // `isHandled` rejects by contract when the store is down: the rejection is a value here.
    return [await s.claim(hv(h.other)), await t.check(hv(h.value)), await s.release(hv(h.value)), await Promise.resolve().then(() => t.isHandled("k")).then(() => "resolved", (e: unknown) => e)];
  },
  redisCallStateStore: async (h) => {
    const s = redisModule.redisCallStateStore(hv(h.value), { commandTimeoutMs: 50 });
    return [await s.apply(hv(h.other)), await s.apply(connectEvent()), await s.get(hv(h.value))];
  },
  redisEventBus: async (h) => {
    const bus = redisModule.redisEventBus(hv(h.value), hv(h.other));
    const sub = bus.subscribe(() => undefined);
    const r = await bus.publish(connectEvent());
    await sub.close();
    return r;
  },
  redisLimitGovernor: async (h) => {
    const g = redisModule.redisLimitGovernor(downRedis, hv(h.value));
    return [await g.reserve(hv(h.other)), await g.settle(hv(h.value), hv(h.other)), await g.observe(connectEvent()), await g.usage(hv(h.value))];
  },
};

/** The modules, each with its namespace and its table. */
export const modules = [
  { name: "wacall", namespace: core as Record<string, unknown>, calls: coreCalls as Record<string, Call> },
  { name: "wacall/webhook", namespace: webhook as Record<string, unknown>, calls: webhookCalls as Record<string, Call> },
  { name: "wacall/client", namespace: client as Record<string, unknown>, calls: clientCalls as Record<string, Call> },
  { name: "wacall/otel", namespace: otel as Record<string, unknown>, calls: otelCalls as Record<string, Call> },
  { name: "wacall/redis", namespace: redisModule as Record<string, unknown>, calls: redisCalls as Record<string, Call> },
] as const;
