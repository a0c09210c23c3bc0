/**
 * fast-check generators of hostile inputs: values that make JavaScript itself throw while they are
 * read (getters, Proxies, revoked Proxies, `toJSON`, `toString`), values `JSON.stringify` refuses
 * (BigInt, cycles), values deep or long enough to overflow a recursive walker or a backtracking
 * regex, and hostile headers and clocks. Use them to prove a function total: it must return a
 * value for each of them, and that value must survive `JSON.stringify`.
 *
 * Every hostile object carries a `fast-check` description (`fc.toStringMethod`), so that a failing
 * property prints its counterexample (say `<hostile: cyclic object>`) instead of walking it. A
 * revoked Proxy cannot carry one, nor can fast-check hold it as a generated value: it is only
 * planted inside other values here, and {@link hostileCases} lists it for direct calls.
 *
 * @module
 */
import fc from "fast-check";
import { bottomlessProxy, described, flipFlop, revokedProxy, thrower, throwingProxy, withThrowingGetters } from "./arbitraries-hostile-parts.js";
import { connectChange, delivery, terminateChange } from "./webhooks.js";

/** A named way to build one hostile value (a fresh one on each call). */
export interface HostileCase {
  readonly name: string;
  readonly make: () => unknown;
  /**
   * Whether fast-check can hold the value itself. A revoked Proxy cannot be (fast-check asks it
   * for a clone method, which throws): {@link arbHostileValue} only plants it inside another
   * value, so call such cases directly to try them at the top level.
   */
  readonly generable: boolean;
}

/** Sizes of the big hostile values. */
export interface HostileSizes {
  /**
   * Length of the long strings (`"EAA" + "a".repeat(n)`, `"Bearer " + " ".repeat(n)`, …).
   * @default 1_000_000
   */
  readonly hugeLength?: number;
  /**
   * Nesting depth of the deep objects and arrays, built iteratively.
   * @default 10_000
   */
  readonly depth?: number;
  /**
   * Include the values that are small in memory but astronomically large when walked as a tree
   * (a Proxy that answers every read with a new Proxy, a DAG of shared references). A walker
   * without a node budget never returns from them, synchronously, so no test timeout stops it:
   * try them in a worker you can terminate.
   * @default true
   */
  readonly expansive?: boolean;
}

function nested(depth: number, wrap: (inner: unknown) => unknown, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = wrap(v);
  return v;
}

const detached = (): ArrayBuffer => {
  const b = new ArrayBuffer(16);
  structuredClone(b, { transfer: [b] });
  return b;
};

const sparse = (length: number): unknown[] => {
  const a: unknown[] = [];
  a.length = length;
  a[length - 1] = { code: 138006 };
  return a;
};

/** Every hostile value, by name, sized by `sizes`. The list {@link arbHostileValue} draws from. */
export function hostileCases(sizes: HostileSizes = {}): readonly HostileCase[] {
  const n = sizes.hugeLength ?? 1_000_000;
  const depth = sizes.depth ?? 10_000;
  const c = (name: string, make: () => unknown): HostileCase => ({ name, make: () => described(make(), name), generable: name !== "revoked Proxy" && name !== "revoked array Proxy" });
  const expansive = sizes.expansive ?? true;
  const encode = (s: string) => new TextEncoder().encode(s);
  return [
    // Numbers, BigInt, Symbols and other primitives.
    c("NaN", () => Number.NaN),
    c("-0", () => -0),
    c("Infinity", () => Number.POSITIVE_INFINITY),
    c("-Infinity", () => Number.NEGATIVE_INFINITY),
    c("MAX_VALUE", () => Number.MAX_VALUE),
    c("undefined", () => undefined),
    c("null", () => null),
    c("BigInt", () => 138006n),
    c("huge BigInt", () => 2n ** 4096n),
    c("Symbol", () => Symbol("hostile")),
    c("registered Symbol", () => Symbol.for("hostile")),
    c("function", () => () => ({ error: { code: 138006 } })),
    c("lone surrogates", () => "\ud800{\"error\":\udfff}"),
    c("NUL and control characters", () => "\u0000\u001b[2J\u001b]0;evil\u0007{\"error\":{}}"),
    // Objects JSON and reading choke on.
    c("invalid Date", () => new Date(Number.NaN)),
    c("Date out of range", () => new Date(8.64e15 + 1)),
    c("Uint8Array of an envelope", () => encode('{"error":{"code":138006,"message":"x"}}')),
    c("Uint8Array of invalid UTF-8", () => new Uint8Array([0x7b, 0xff, 0xfe, 0x80, 0x7d])),
    c("Uint16Array", () => new Uint16Array([0x7b, 0x7d])),
    c("Float64Array with NaN", () => new Float64Array([Number.NaN, -0, Number.POSITIVE_INFINITY])),
    c("BigInt64Array", () => new BigInt64Array([1n, -1n])),
    c("DataView", () => new DataView(encode("{}").buffer)),
    c("ArrayBuffer", () => encode('{"error":{"code":131000}}').buffer),
    c("detached ArrayBuffer", detached),
    c("view of a detached ArrayBuffer", () => {
      const view = new Uint8Array(16);
      structuredClone(view.buffer, { transfer: [view.buffer] });
      return view;
    }),
    c("SharedArrayBuffer view", () => new Uint8Array(new SharedArrayBuffer(8))),
    c("boxed String", () => new String('{"error":{"code":138006}}')),
    c("boxed Number", () => new Number(138006)),
    c("RegExp", () => /(a+)+$/),
    c("Map", () => new Map([["error", { code: 138006 }]])),
    c("Set", () => new Set([1])),
    c("pending Promise", () => new Promise(() => undefined)),
    c("Error", () => Object.assign(new Error("hostile"), { code: 138006 })),
    // Objects that throw while they are read.
    ...[0, 1, 2, 3, 4, 5, 6].map((k) => c(`throwing getters (thrown value ${k})`, () => withThrowingGetters(["error", "code", "message", "object", "entry", "status", "body", "success", "calls"], k))),
    c("throwing getter on error.code", () => ({ error: withThrowingGetters(["code"], 0) })),
    c("Proxy whose traps throw", () => throwingProxy({}, "Proxy whose traps throw")),
    c("array Proxy whose traps throw", () => throwingProxy([], "array Proxy whose traps throw", 5)),
    c("revoked Proxy", () => revokedProxy({})),
    c("revoked array Proxy", () => revokedProxy([])),
    c("revoked Proxy as the error", () => ({ error: revokedProxy({}) })),
    ...(expansive ? [c("bottomless Proxy", () => bottomlessProxy(["error", "error_data", "details", "entry", "object"]))] : []),
    c("code read twice", () => ({ error: flipFlop("code", 138006) })),
    c("error read twice", () => flipFlop("error", { code: 138006, message: "ok" })),
    c("throwing toJSON", () => ({ error: { code: 138006 }, toJSON: thrower(0) })),
    c("toJSON returning a BigInt", () => ({ error: { code: 138006 }, toJSON: () => 1n })),
    c("throwing toString, valueOf and toPrimitive", () => ({
      error: { code: 138006, message: { toString: thrower(0), valueOf: thrower(0), [Symbol.toPrimitive]: thrower(0) } },
      toString: thrower(0),
      [Symbol.toPrimitive]: thrower(0),
    })),
    c("throwing Symbol.iterator", () => Object.assign([{ code: 138006 }], { [Symbol.iterator]: thrower(0) })),
    c("array with a throwing index getter", () => Object.defineProperty([1, 2], 0, { get: thrower(0), enumerable: true })),
    c("thenable that throws", () => ({ then: thrower(0), error: { code: 138006 } })),
    // Keys that shadow what code expects of an object or an array.
    c("array with own constructor, __proto__ and toJSON keys", () => {
      const a: unknown[] = [{ code: 138006 }];
      for (const key of ["constructor", "__proto__", "toJSON", "length2", "hasOwnProperty"]) Object.defineProperty(a, key, { value: key === "toJSON" ? "not a function" : { error: 1 }, enumerable: true });
      return a;
    }),
    c("object with own __proto__, constructor, hasOwnProperty and toString keys", () =>
      JSON.parse('{"__proto__":{"error":{"code":1}},"constructor":{"prototype":1},"hasOwnProperty":1,"toString":2,"valueOf":3,"error":{"code":"138006","__proto__":[]}}')),
    c("null-prototype envelope", () => Object.assign(Object.create(null) as object, { error: Object.assign(Object.create(null) as object, { code: 138006, message: "x" }) })),
    // Cycles.
    c("cyclic object", () => {
      const o: Record<string, unknown> = { code: 138006 };
      o["error"] = o;
      o["error_data"] = o;
      return o;
    }),
    c("cyclic array", () => {
      const a: unknown[] = [];
      a.push(a, { error: a });
      return a;
    }),
    c("cycle through raw fields", () => {
      const e: Record<string, unknown> = { code: 131000, message: "x" };
      e["error_data"] = { details: "d", back: e };
      return { error: e, entry: [e] };
    }),
    // Deep and wide.
    c(`objects ${depth} levels deep`, () => nested(depth, (v) => ({ error: v, error_data: v === undefined ? {} : { details: "x" } }), { code: 138006 })),
    c(`arrays ${depth} levels deep`, () => nested(depth, (v) => [v], 1)),
    c(`error_data ${depth} levels deep`, () => ({ error: { code: 138012, message: "x", error_data: nested(depth, (v) => ({ details: v }), "d") } })),
    c(`webhook entry ${depth} levels deep`, () => ({ object: "whatsapp_business_account", entry: nested(depth, (v) => [{ changes: v }], []) })),
    ...(expansive
      ? [
          c("shared-reference DAG (3^40 paths)", () => {
            // Tiny in memory, astronomically large when walked as a tree without a node budget.
            let v: unknown = { code: 138006, message: "x" };
            for (let i = 0; i < 40; i++) v = { error: v, error_data: v, entry: [v] };
            return v;
          }),
        ]
      : []),
    c("sparse array of length 1e6", () => sparse(1_000_000)),
    c("object with 100k keys", () => Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]))),
    c("20k errors", () => Array.from({ length: 20_000 }, () => ({ code: 138006, message: "x" }))),
    // Long strings.
    c(`x × ${n}`, () => "x".repeat(n)),
    c(`EAA + a × ${n}`, () => `EAA${"a".repeat(n)}`),
    c(`EAA + aB3 × ${n / 3}`, () => `EAA${"aB3".repeat(n / 3)}`),
    c(`Bearer + spaces × ${n}`, () => `Bearer ${" ".repeat(n)}`),
    c(`Bearer + tabs × ${n}`, () => `Bearer${"\t".repeat(n)}x`),
    c(`access_token= × ${n / 10}`, () => "access_token=".repeat(n / 10)),
    c(`a=ice-pwd: + spaces × ${n}`, () => `a=ice-pwd:${" ".repeat(n)}x`),
    c(`{ + spaces × ${n}`, () => `{${" ".repeat(n)}`),
    c(`[ × ${n}`, () => "[".repeat(n)),
    c(`JSON arrays ${n / 10} levels deep`, () => `${"[".repeat(n / 10)}${"]".repeat(n / 10)}`),
    c(`JSON objects ${n / 10} levels deep`, () => `${'{"error":'.repeat(n / 10)}1${"}".repeat(n / 10)}`),
    c(`envelope with a message of ${n} characters`, () => JSON.stringify({ error: { code: 131000, message: `EAA${"aB3".repeat(n / 3)}`, error_data: { details: `Bearer\t${"b".repeat(n)}` } } })),
    c(`envelope object with a message of ${n} characters`, () => ({ error: { code: 131000, message: `OAuth ${"\n".repeat(n)}`, error_user_msg: "x".repeat(n) } })),
    // JSON text that parses into awkward values.
    c("numbers JSON.parse cannot keep", () => '{"error":{"code":1e400,"error_subcode":-0,"is_transient":1e-400,"message":123456789012345678901234567890}}'),
    c("duplicate keys", () => '{"error":{"code":1,"code":138006,"message":"a","message":{"x":1}}}'),
    c("__proto__ in JSON text", () => '{"__proto__":{"error":{"code":138006}},"error":{"__proto__":{"code":1},"code":"138006"}}'),
  ];
}

/** Meaningful slots where a hostile value is planted: Graph error envelopes, success bodies, webhook deliveries. */
const templates: readonly ((v: unknown) => unknown)[] = [
  (v) => ({ error: v }),
  (v) => ({ error: { code: v, message: "(#138006) x" } }),
  (v) => ({ error: { code: 138006, message: v, type: v, fbtrace_id: v } }),
  (v) => ({ error: { code: 138012, message: "x", error_data: v } }),
  (v) => ({ error: { code: 138012, message: "x", error_data: { details: v, messaging_product: v } } }),
  (v) => ({ error: { code: 131000, error_subcode: v, is_transient: v, error_user_msg: v, error_user_title: v } }),
  (v) => [v, { error: v }],
  (v) => ({ code: v, title: v, message: v, error_data: { details: v }, href: v }),
  (v) => ({ messaging_product: "whatsapp", calls: v, messages: v, success: v }),
  (v) => ({ messaging_product: "whatsapp", calls: [{ id: v }], messages: [{ id: v }] }),
  (v) => ({ permission: v, actions: v }),
  (v) => ({ permission: { status: v, expiration_time: v }, actions: [{ action_name: v, can_perform_action: v, limits: v }] }),
  (v) => ({ actions: [{ action_name: "start_call", can_perform_action: false, limits: [{ time_period: v, max_allowed: v, current_usage: v, limit_expiration_time: v }] }] }),
  (v) => ({ calling: v }),
  (v) => ({ calling: { status: v, call_icon_visibility: v, call_hours: v, sip: v } }),
  (v) => ({ object: "whatsapp_business_account", entry: v }),
  (v) => ({ object: v, entry: [] }),
  (v) => ({ object: "whatsapp_business_account", entry: [v] }),
  (v) => ({ object: "whatsapp_business_account", entry: [{ id: v, changes: v }] }),
  (v) => ({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [v] }] }),
  (v) => delivery([{ field: v as string, value: {} }]),
  (v) => delivery([{ field: "calls", value: v as Record<string, unknown> }]),
  (v) => delivery([{ field: "calls", value: { messaging_product: "whatsapp", metadata: v, contacts: v, calls: v, statuses: v, errors: v, messages: v } }]),
  (v) => delivery([{ field: "calls", value: { metadata: { phone_number_id: "1" }, calls: [v, { id: "wacid.ok", event: "terminate", status: "COMPLETED" }] } }]),
  (v) => {
    const ch = connectChange({ callId: "wacid.x", from: "1", to: "2", direction: "USER_INITIATED", timestamp: 1_700_000_000_000, sdp: { type: "offer", sdp: "v=0" } });
    const call = (ch.value["calls"] as Record<string, unknown>[])[0] ?? {};
    return delivery([{ field: "calls", value: { ...ch.value, contacts: [{ profile: v, wa_id: v }], calls: [{ ...call, id: v, from: v, timestamp: v, direction: v, session: v, biz_opaque_callback_data: v }] } }]);
  },
  (v) => {
    const ch = terminateChange({ callId: "wacid.x", from: "1", to: "2", direction: "BUSINESS_INITIATED", timestamp: 1_700_000_000_000, status: "FAILED" });
    return delivery([{ field: "calls", value: { ...ch.value, errors: [v, { code: v, message: v }], calls: [{ id: "wacid.x", event: "terminate", status: v, duration: v, start_time: v, end_time: v }] } }]);
  },
  (v) => delivery([{ field: "calls", value: { metadata: { phone_number_id: "1" }, statuses: [{ id: v, type: "call", status: v, timestamp: v, recipient_id: v }] } }]),
  (v) => delivery([{ field: "messages", value: { metadata: { phone_number_id: "1" }, messages: [{ id: "m", from: "1", type: "interactive", interactive: { call_permission_reply: v } }] } }]),
  (v) => delivery([{ field: "messages", value: { messages: [{ id: v, from: v, interactive: { type: "call_permission_reply", call_permission_reply: { response: v, is_permanent: v, expiration_timestamp: v, response_source: v } } }] } }]),
];

/** Any JSON-ish value, generated by fast-check, whose leaves may be hostile. */
function arbTree(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const key = fc.constantFrom("error", "code", "message", "error_data", "details", "object", "entry", "changes", "field", "value", "calls", "id", "session", "sdp", "__proto__", "constructor", "toJSON", "length");
  return fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 3, depthIdentifier: "hostile-tree" },
      leaf,
      fc.array(tie("node"), { maxLength: 4 }),
      fc.dictionary(key, tie("node"), { maxKeys: 4 }),
    ),
  })).node;
}

/** Options of {@link arbHostileValueWith}. */
export type HostileValueOptions = HostileSizes;

/**
 * Any JavaScript value, hostile by preference: one of {@link hostileCases}, a generated value
 * (`fc.anything` with BigInt, typed arrays, invalid Dates and null prototypes), or such a value
 * planted in a Graph error envelope, a success body or a webhook delivery, so that it is reached
 * deep inside a decoder. Values are fresh per run (a revoked Proxy stays revoked).
 *
 * @example
 * fc.assert(fc.property(arbHostileValueWith({ hugeLength: 100_000 }), (v) => {
 *   JSON.stringify(decodeGraphError(v)); // must not throw
 * }));
 */
export function arbHostileValueWith(options: HostileValueOptions = {}): fc.Arbitrary<unknown> {
  const cases = hostileCases(options);
  const named = (only: (c: HostileCase) => boolean) => fc.constantFrom(...cases.filter(only)).map((c) => ({ name: c.name, value: c.make() }));
  const generated = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
    maxDepth: 3,
  });
  const generatedLeaf = generated.map((value) => ({ name: "generated", value }));
  const anyLeaf = fc.oneof({ weight: 3, arbitrary: named(() => true) }, { weight: 1, arbitrary: generatedLeaf });
  const planted = fc.tuple(fc.nat({ max: templates.length - 1 }), anyLeaf).map(([i, leaf]) => described(templates[i]?.(leaf.value), `template ${i} holding ${leaf.name}`));
  const topLeaf = fc.oneof({ weight: 3, arbitrary: named((c) => c.generable) }, { weight: 1, arbitrary: generatedLeaf }).map((l) => l.value);
  return fc.oneof(
    { weight: 4, arbitrary: named((c) => c.generable).map((l) => l.value) },
    { weight: 4, arbitrary: planted },
    { weight: 1, arbitrary: generated },
    { weight: 1, arbitrary: arbTree(topLeaf).map((t) => described(t, "tree of hostile values")) },
  );
}

/**
 * {@link arbHostileValueWith} with the default sizes (strings of a million characters, objects
 * 10,000 levels deep).
 *
 * @example
 * test.prop([arbHostileValue])("decodeWebhook is total", (v) => {
 *   expect(() => JSON.stringify(decodeWebhook(v))).not.toThrow();
 * });
 */
export const arbHostileValue: fc.Arbitrary<unknown> = arbHostileValueWith();
