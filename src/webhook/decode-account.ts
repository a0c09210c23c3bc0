/**
 * `field: "account_update"` and `field: "account_settings_update"`: the account events that are
 * about calling (violations, restrictions, phone-number calling settings). The others stay
 * `UnknownChange`.
 *
 * @module
 */
import { redactDeep, type Scrubber } from "../internal/redact.js";
import { decodeCallingResponse } from "../response.js";
import type { AccountFields, CallEvent, CallingRestrictionInfo, CallingRestrictionType, CallingViolationType } from "./event-types.js";
import { child, id, instant, isObject, oneOf, optional, readOwn, seconds, str, text, type Obj } from "./read.js";
import { lengthOf, type Sink } from "./walk.js";

/** What the entry around a change says: the business account and the time of the entry. */
export interface EntryContext {
  readonly businessAccountId?: string;
  readonly time?: Date;
}

const violationTypes = ["LOW_BUSINESS_INITIATED_CALLING_QUALITY", "LOW_USER_INITIATED_CALLING_QUALITY", "USER_INITIATED_CALLS_LOW_PICKUP_RATE"] as const satisfies readonly CallingViolationType[];
const restrictionTypes = [
  "RESTRICTED_BUSINESS_INITIATED_CALLING",
  "RESTRICTED_USER_INITIATED_CALLING",
  "RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN",
] as const satisfies readonly CallingRestrictionType[];

/** A type Meta may add about calls (`…_CALLING_…`, `…_CALLS_…`) is taken as a calling event with an `UNKNOWN` type. */
const aboutCalls = (type: string): boolean => type.length <= 128 && /CALL/i.test(type);

function accountFields(value: Obj, entry: EntryContext, scrub: Scrubber): AccountFields {
  const settings = child(value, "phone_number_settings");
  const phone = readOwn(value, "phone_number") ?? readOwn(value, "phone_number_id") ?? (settings === undefined ? undefined : readOwn(settings, "phone_number_id"));
  return {
    ...optional("businessAccountId", entry.businessAccountId),
    ...optional("phoneNumber", id(phone, scrub)),
    ...optional("timestamp", seconds(readOwn(value, "timestamp")) ?? entry.time),
    raw: redactDeep(value, scrub),
  };
}

function restrictionsOf(value: Obj, scrub: Scrubber): CallingRestrictionInfo[] {
  const list = readOwn(value, "restriction_info");
  if (!Array.isArray(list)) return [];
  const { n } = lengthOf(list);
  const out: CallingRestrictionInfo[] = [];
  for (let i = 0; i < n; i++) {
    const r: unknown = (list as readonly unknown[])[i];
    if (!isObject(r)) continue;
    const rawType = text(readOwn(r, "restriction_type"), scrub) ?? "";
    out.push({
      restrictionType: oneOf(rawType, restrictionTypes),
      rawRestrictionType: rawType,
      ...optional("expiresAt", instant(readOwn(r, "expiration") ?? readOwn(r, "expiration_timestamp"))),
      ...optional("remediation", text(readOwn(r, "remediation"), scrub)),
    });
  }
  return out;
}

/** One `account_update` payload: a calling violation or restriction, or `undefined` (not about calling). */
export function decodeAccountUpdate(value: Obj, entry: EntryContext, sink: Sink): CallEvent | undefined {
  const { scrub } = sink;
  const event = (str(readOwn(value, "event")) ?? "").toUpperCase();
  if (event === "ACCOUNT_VIOLATION") {
    const info = child(value, "violation_info");
    const rawType = text(info === undefined ? undefined : readOwn(info, "violation_type"), scrub) ?? "";
    if (!aboutCalls(rawType)) return undefined;
    return { _tag: "CallingViolation", ...accountFields(value, entry, scrub), violationType: oneOf(rawType, violationTypes), rawViolationType: rawType };
  }
  if (event === "ACCOUNT_RESTRICTION") {
    const restrictions = restrictionsOf(value, scrub);
    if (!restrictions.some((r) => r.restrictionType !== "UNKNOWN" || aboutCalls(r.rawRestrictionType))) return undefined;
    return { _tag: "CallingRestriction", ...accountFields(value, entry, scrub), restrictions };
  }
  return undefined;
}

/** One `account_settings_update` payload: phone-number calling settings, or `undefined`. */
export function decodeSettingsUpdate(value: Obj, entry: EntryContext, sink: Sink): CallEvent | undefined {
  if ((str(readOwn(value, "type")) ?? "").toUpperCase() !== "PHONE_NUMBER_SETTINGS") return undefined;
  const calling = child(value, "calling") ?? child(child(value, "phone_number_settings"), "calling");
  if (calling === undefined) return undefined;
  // Decoded exactly like the answer of GET /settings, from a redacted, bounded copy (exact secrets
  // scrubbed everywhere in it, credential-named keys redacted).
  const settings = decodeCallingResponse("get_settings", { status: 200, body: { calling: redactDeep(calling, sink.scrub) } }, { secrets: sink.secrets });
  if (settings.isErr()) return undefined;
  return { _tag: "CallingSettingsChanged", ...accountFields(value, entry, sink.scrub), calling: settings.value };
}
