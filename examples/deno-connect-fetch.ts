/**
 * Deno: a `fetch` for the client that never sends a POST on a reused connection.
 *
 * Deno's `fetch` sends a request again, by itself, when the pooled keep-alive connection it
 * reused is closed before the answer arrives (a server closing an idle connection just as the
 * request goes out). For `connect` that request may already have placed the call: the server sees
 * it twice, and wacall cannot tell. An HTTP client without idle connections
 * (`poolMaxIdlePerHost: 0`) opens a fresh connection for every POST, so there is nothing stale to
 * reuse and nothing re-sent; reads (GET) keep the shared pool. The cost is one connection setup
 * (TCP + TLS) per POST. On Node, Bun and workerd nothing is needed: their `fetch` never repeats a
 * POST by itself.
 *
 * Run with `deno run --allow-net --sloppy-imports examples/deno-connect-fetch.ts` (from a clone;
 * with the package installed, import `wacall/client` without the flag).
 *
 * @module
 */
import { createCallingClient, type CallingClient } from "../src/client/index.js";

/** The part of `Deno` this example uses (typed here, so the file also type-checks outside Deno). */
interface DenoHttp {
  createHttpClient(options: { readonly poolMaxIdlePerHost?: number }): object;
}

/**
 * A `fetch` that sends POSTs through a Deno HTTP client without idle connections, and everything
 * else through the global `fetch`. `undefined` outside Deno, where the global `fetch` is right.
 *
 * @example
 * const client = createCallingClient({ accessToken, phoneNumberId, ...(denoConnectFetch() && { fetch: denoConnectFetch() }) });
 */
export function denoConnectFetch(): typeof fetch | undefined {
  const deno = (globalThis as { readonly Deno?: DenoHttp }).Deno;
  if (deno === undefined || typeof deno.createHttpClient !== "function") return undefined;
  const fresh = deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  return ((input: string | URL | Request, init?: RequestInit) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (method === "GET" || method === "HEAD") return fetch(input, init);
    const withClient: RequestInit & { readonly client: object } = { ...init, client: fresh };
    return fetch(input, withClient);
  }) as typeof fetch;
}

/**
 * A calling client whose POSTs (`connect` among them) never go out on a reused connection under
 * Deno; elsewhere the same client as `createCallingClient` gives.
 *
 * @example
 * const client = denoSafeClient(Deno.env.get("WA_TOKEN") ?? "", "1234567890");
 * const call = await client.connect({ to: "15551234567", sdp: sdpOffer(offer) });
 */
export function denoSafeClient(accessToken: string, phoneNumberId: string, baseUrl?: string): CallingClient {
  const fetch = denoConnectFetch();
  return createCallingClient({ accessToken, phoneNumberId, ...(baseUrl !== undefined && { baseUrl }), ...(fetch !== undefined && { fetch }) });
}
