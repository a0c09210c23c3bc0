import { match, P } from "ts-pattern";
import { byAdvice, byCategory, calling, decodeCallingResponse, type GraphErrorOf, type RawResponse } from "wacall";

/** What to do after a failed connect, decided by the error's data: category, tag, retry advice. */
export function nextStep(e: GraphErrorOf<"connect">): string {
  return match(e)
    .with(calling.byTag.CallPermissionNotFound, () => "send a call permission request")
    .with(P.union(byCategory.authorization, byAdvice["refresh-token"]), (a) => `page ops: ${a._tag}`)
    .with({ advice: { kind: "at", at: P.select() } }, (at) => `call again at ${at.toISOString()}`)
    .with(P.union(byAdvice.backoff, byAdvice["after-current-call"]), (r) => `retry later (${r._tag})`)
    .with(P.union(byAdvice["after-fix"], byAdvice["after-permission"], byAdvice.never), (e) => `give up: ${e._tag}`)
    .exhaustive();
}

const failed = (status: number, error: object): RawResponse => ({ status, body: { error } });

export const example = () =>
  [
    failed(401, { code: 138006, message: "(#138006) No approved call permission found" }),
    failed(401, { code: 190, message: "Error validating access token" }),
    failed(400, { code: 138012, message: "(#138012) Business initiated calls limit hit", error_data: { details: "Next call allowed at 1900000000" } }),
    failed(400, { code: 138003, message: "(#138003) Duplicate call" }),
    failed(400, { code: 138001, message: "(#138001) Receiver is uncallable" }),
  ].map((raw) => decodeCallingResponse("connect", raw).match(() => "connected", nextStep));
