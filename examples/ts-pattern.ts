import { match, P } from "ts-pattern";
import { decodeGraphError, type GraphError } from "wacall";

/** Route any Graph error to a team with ts-pattern: `.exhaustive()` checks every variant is routed. */
export function route(e: GraphError): "retry" | "user" | "ops" | "dev" {
  return match(e)
    .with({ retryable: true }, () => "retry" as const)
    .with({ category: P.union("permission", "recipient", "conflict") }, () => "user" as const)
    .with({ category: P.union("configuration", "account", "authorization", "limit", "server", "connection") }, () => "ops" as const)
    .with({ category: P.union("request", "unknown", "malformed") }, () => "dev" as const)
    .exhaustive();
}

export const example = () =>
  [
    decodeGraphError({ error: { code: 138006 } }),
    decodeGraphError({ error: { code: 138002 } }),
    decodeGraphError({ error: { code: 190 } }),
    decodeGraphError("<html>Bad Gateway</html>", { status: 400 }),
  ].map((e) => `${e._tag} -> ${route(e)}`);
