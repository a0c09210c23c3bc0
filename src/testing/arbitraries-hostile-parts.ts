/**
 * Building blocks of the hostile generators: objects that throw while read, Proxies, and the
 * fast-check description that lets a failing property print them.
 *
 * @module
 */
import fc from "fast-check";

/** Gives an object a description fast-check prints instead of walking it. */
export function described<T>(value: T, name: string): T {
  if ((typeof value === "object" && value !== null) || typeof value === "function") {
    try {
      Object.defineProperty(value, fc.toStringMethod, { value: () => `<hostile: ${name}>`, enumerable: false, configurable: true });
    } catch {
      // Frozen or exotic: fast-check describes it as it can.
    }
  }
  return value;
}

/** What hostile code throws: not always an `Error`, sometimes something that throws when read. */
const thrownValues: readonly (() => unknown)[] = [
  () => new Error("hostile: thrown"),
  () => "hostile: a thrown string",
  () => undefined,
  () => Symbol("hostile"),
  () => 1n,
  () =>
    described(
      Object.defineProperties({}, {
        message: { get: () => { throw new Error("hostile: message getter"); }, enumerable: true },
        toString: { value: () => { throw new Error("hostile: toString"); } },
      }),
      "unprintable thrown value",
    ),
  () => revokedProxy({}),
];

/**
 * A function that throws the `k`-th kind of hostile thrown value (modulo their number): an
 * `Error`, a string, `undefined`, a Symbol, a BigInt, an object whose `message` and `toString`
 * throw, a revoked Proxy. For callbacks and getters that must fail in every way JavaScript allows.
 *
 * @example
 * createWebhookHandler({ appSecret, verifyToken, onEvent: thrower(5) }); // throws an unprintable value
 */
export function thrower(k = 0): () => never {
  const make = thrownValues[Math.abs(Math.trunc(k)) % thrownValues.length] ?? thrownValues[0]!;
  return () => {
    throw make();
  };
}

/** A revoked Proxy of `target`: every operation on it, `Array.isArray` included, throws a `TypeError`. */
export function revokedProxy(target: object): object {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

const fcSymbols: ReadonlySet<PropertyKey> = new Set([fc.toStringMethod, fc.asyncToStringMethod, fc.cloneMethod]);

/** A Proxy on which every operation throws, except fast-check's own description lookups. */
export function throwingProxy(target: object, name: string, k = 0): object {
  const boom = thrower(k);
  const describe = () => `<hostile: ${name}>`;
  return new Proxy(target, {
    get: (_t, key) => (key === fc.toStringMethod ? describe : fcSymbols.has(key) ? undefined : boom()),
    has: (_t, key) => (key === fc.toStringMethod ? true : fcSymbols.has(key) ? false : boom()),
    ownKeys: boom,
    getOwnPropertyDescriptor: boom,
    getPrototypeOf: boom,
    set: boom,
    defineProperty: boom,
    deleteProperty: boom,
    isExtensible: boom,
    preventExtensions: boom,
    setPrototypeOf: boom,
    apply: boom,
    construct: boom,
  });
}

/** A Proxy that lists `keys` and answers each read with a fresh proxy of the same kind: infinitely deep, with no cycle. */
export function bottomlessProxy(keys: readonly string[]): object {
  const make = (): object =>
    new Proxy(
      {},
      {
        get: (_t, key) => (key === fc.toStringMethod ? () => "<hostile: bottomless proxy>" : typeof key === "string" && keys.includes(key) ? make() : undefined),
        has: (_t, key) => key === fc.toStringMethod || (typeof key === "string" && keys.includes(key)),
        ownKeys: () => [...keys],
        getOwnPropertyDescriptor: (_t, key) =>
          typeof key === "string" && keys.includes(key) ? { value: make(), enumerable: true, configurable: true, writable: true } : undefined,
      },
    );
  return make();
}

/** An object whose given keys are enumerable getters that throw the `k`-th kind of value ({@link thrower}). */
export function withThrowingGetters(keys: readonly string[], k: number): object {
  const o: Record<string, unknown> = {};
  for (const key of keys) Object.defineProperty(o, key, { get: thrower(k), enumerable: true, configurable: true });
  return described(o, `throwing getters on ${keys.join(", ")}`);
}

/** Reads fine once (a valid-looking value), then throws: what is checked is not what is used. */
export function flipFlop(key: string, first: unknown): object {
  let reads = 0;
  const o = {};
  Object.defineProperty(o, key, {
    get: () => {
      reads += 1;
      if (reads > 1) throw new Error(`hostile: ${key} read twice`);
      return first;
    },
    enumerable: true,
  });
  return described(o, `${key} that throws on the second read`);
}
