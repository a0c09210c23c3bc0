import { err, ok } from "neverthrow";
import { catchTags, decodeCallingResponse, matchError, type RawResponse } from "wacall";

/**
 * Connect, where "already on a call" is an answer and a missing permission is the caller's own
 * next step: both leave the error type, which lists only what is still a failure.
 */
export function connectOrAsk(raw: RawResponse) {
  return catchTags(decodeCallingResponse("connect", raw), {
    DuplicateCall: () => ok("already on a call" as const),
    CallPermissionNotFound: (e) => err({ _tag: "AskForPermission" as const, trace: e.fbtraceId }),
  });
}

export const example = () =>
  [
    { status: 200, body: { messaging_product: "whatsapp", calls: [{ id: "wacid.HBgLMTY1NTU" }] } },
    { status: 400, body: { error: { code: 138003, message: "(#138003) Duplicate call" } } },
    { status: 401, body: { error: { code: 138006, message: "(#138006) No approved call permission found", fbtrace_id: "AbC" } } },
    { status: 429, body: { error: { code: 138005, message: "(#138005) Call limit reached" } } },
  ].map((raw) =>
    connectOrAsk(raw).match(
      (value) => `ok: ${value}`,
      // DuplicateCall and CallPermissionNotFound are gone: a handler for them would not compile.
      (e) => matchError(e, { AskForPermission: (a) => `ask first (trace ${a.trace ?? "none"})`, _: (other) => `failed: ${other._tag}` }),
    ),
  );
