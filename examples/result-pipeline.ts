import { err, ok, type Result } from "neverthrow";
import { decodeCallingResponse, graphError, type CallId, type GraphError, type RawResponse } from "wacall";

/**
 * Check permission, then connect: two decoded responses composed with `andThen`, no `try`.
 * A missing permission becomes the same `CallPermissionNotFound` value Meta would send.
 */
export function permissionThenConnect(permission: RawResponse, connect: RawResponse): Result<CallId, GraphError> {
  return decodeCallingResponse("get_call_permissions", permission)
    .andThen((p) => (p.canCall ? ok(p) : err(graphError("CallPermissionNotFound", { message: `permission is ${p.status}` }))))
    .andThen(() => decodeCallingResponse("connect", connect));
}

export const example = () => {
  const granted: RawResponse = {
    status: 200,
    body: { permission: { status: "temporary", expiration_time: 1900000000 }, actions: [{ action_name: "start_call", can_perform_action: true, limits: [] }] },
  };
  const connected: RawResponse = { status: 200, body: { messaging_product: "whatsapp", calls: [{ id: "wacid.HBgLMTY1NTU" }] } };
  const limited: RawResponse = {
    status: 400,
    body: { error: { code: 138012, message: "(#138012) Business initiated calls limit hit", error_data: { details: "Next call allowed at 1900000000" } } },
  };
  const none: RawResponse = { status: 200, body: { permission: { status: "no_permission" } } };
  const describe = (r: Result<CallId, GraphError>) =>
    r.match(
      (id) => `connected ${id}`,
      (e) => `${e._tag}${e.retryAt ? ` until ${e.retryAt.toISOString()}` : ""}`,
    );
  return [
    describe(permissionThenConnect(granted, connected)),
    describe(permissionThenConnect(granted, limited)),
    describe(permissionThenConnect(none, connected)),
  ];
};
