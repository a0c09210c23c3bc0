/**
 * `field: "messages"`: the messages that are calling events, call permission replies and
 * voicemails (an `audio` message whose id is a call's `wacid.`). Other message traffic is skipped.
 *
 * @module
 */
import { redactDeep, type Scrubber } from "../internal/redact.js";
import { firstContact } from "./decode-calls.js";
import type { CallPermissionReply, Metadata, Voicemail } from "./event-types.js";
import { child, id, object, optional, readOwn, reject, seconds, str, text, type Obj } from "./read.js";
import { eachItem, guarded, push, type Sink } from "./walk.js";

function decodePermissionReply(m: Obj, reply: unknown, path: string, metadata: Metadata, scrub: Scrubber): CallPermissionReply {
  const r = object(reply, `${path}.interactive.call_permission_reply`);
  const from = id(readOwn(m, "from"), scrub);
  if (from === undefined) reject(`${path}.from`, "expected the sender");
  const rawResponse = text(readOwn(r, "response"), scrub) ?? "";
  const source = str(readOwn(r, "response_source"));
  const permanent = readOwn(r, "is_permanent");
  return {
    _tag: "CallPermissionReply",
    from,
    ...optional("messageId", id(readOwn(m, "id"), scrub)),
    ...optional("timestamp", seconds(readOwn(m, "timestamp"))),
    response: rawResponse === "accept" || rawResponse === "reject" ? rawResponse : "UNKNOWN",
    rawResponse,
    isPermanent: permanent === true || permanent === "true",
    ...optional("expiresAt", seconds(readOwn(r, "expiration_timestamp"))),
    ...(source !== undefined && { responseSource: source === "user_action" || source === "automatic" ? source : "UNKNOWN" }),
    metadata,
    raw: redactDeep(m, scrub),
  };
}

function decodeVoicemail(m: Obj, callId: string, path: string, metadata: Metadata, value: Obj, scrub: Scrubber): Voicemail {
  const audio = object(readOwn(m, "audio"), `${path}.audio`);
  const mediaId = id(readOwn(audio, "id"), scrub);
  if (mediaId === undefined || mediaId === "") reject(`${path}.audio.id`, "expected the media id");
  return {
    _tag: "Voicemail",
    callId: id(callId, scrub) ?? "",
    ...optional("from", id(readOwn(m, "from"), scrub)),
    ...optional("timestamp", seconds(readOwn(m, "timestamp"))),
    audio: {
      mediaId,
      ...optional("mimeType", text(readOwn(audio, "mime_type"), scrub)),
      ...optional("sha256", id(readOwn(audio, "sha256"), scrub)),
      ...optional("url", text(readOwn(audio, "url"), scrub)),
    },
    ...optional("contact", firstContact(value, scrub)),
    metadata,
    raw: redactDeep(m, scrub),
  };
}

/** Decodes the calling events of `value.messages[]`. */
export function decodeMessages(sink: Sink, value: Obj, valuePath: string, metadata: Metadata, context: readonly unknown[]): void {
  guarded(sink, `${valuePath}.messages`, () =>
    eachItem(sink, value, "messages", valuePath, false, (item, p) => {
      const m = object(item, p);
      const reply = readOwn(child(m, "interactive") ?? {}, "call_permission_reply");
      if (reply !== undefined) {
        push(sink, decodePermissionReply(m, reply, p, metadata, sink.scrub), [...context, m]);
        return;
      }
      const messageId = readOwn(m, "id");
      if (str(readOwn(m, "type")) === "audio" && typeof messageId === "string" && messageId.startsWith("wacid.")) {
        push(sink, decodeVoicemail(m, messageId, p, metadata, value, sink.scrub), [...context, m]);
      }
      // Other messages are not calling events.
    }),
  );
}
