/**
 * Deno: a `fetch` for the client that never sends a POST on a reused connection.
 *
 * Deno's `fetch` (2.9) sends a request again, by itself, when the pooled keep-alive connection it
 * reused is closed or reset before the answer arrives (a server closing an idle connection just
 * as the request goes out). For `connect` that request may already have placed the call: the server sees
 * it twice, and wacall cannot tell. An HTTP client without idle connections
 * (`poolMaxIdlePerHost: 0`) opens a fresh connection for every POST, so there is nothing stale to
 * reuse and nothing re-sent; reads (GET) keep the shared pool. The cost is one connection setup
 * (TCP + TLS) per POST. Node, Bun and workerd need nothing: in the same test their `fetch` sends
 * the request once, and wacall reports `OutcomeUnknown`.
 *
 * Use it as the client's transport: `createCallingClient({ accessToken, phoneNumberId, fetch: denoConnectFetch() })`.
 * test/runtimes/resend.test.ts runs it under Deno against a server that closes a reused connection.
 *
 * @module
 */
/** The part of `Deno` this example uses (typed here, so the file also type-checks outside Deno). */
interface DenoHttp {
  createHttpClient(options: { readonly poolMaxIdlePerHost?: number }): object;
}

/**
 * A `fetch` that sends POSTs through a Deno HTTP client without idle connections, and everything
 * else through the global `fetch`. Outside Deno it is the global `fetch` itself.
 *
 * @example
 * const client = createCallingClient({ accessToken, phoneNumberId, fetch: denoConnectFetch() });
 * const call = await client.connect({ to: "15551234567", sdp: sdpOffer(offer) });
 */
export function denoConnectFetch(): typeof fetch {
  const deno = (globalThis as { readonly Deno?: DenoHttp }).Deno;
  if (deno === undefined || typeof deno.createHttpClient !== "function") return fetch;
  const fresh = deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  return ((input: string | URL | Request, init?: RequestInit) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (method === "GET" || method === "HEAD") return fetch(input, init);
    const withClient: RequestInit & { readonly client: object } = { ...init, client: fresh };
    return fetch(input, withClient);
  }) as typeof fetch;
}
