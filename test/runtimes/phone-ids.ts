/** The phone number id that picks each behaviour of the smoke suite's Graph-like server (graph-server.ts). */
export const phoneIds = { ok: "1001", reset: "1002", hang: "1003", keepalive: "1004" } as const;
