/**
 * What each client method sends: the request built from a checked snapshot of its input.
 *
 * @module
 */
import type { CallingSettingsUpdate, ConnectInput } from "./types.js";

/** A request before the URL and headers are added. */
export interface Request {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** For `connect`: what an `OutcomeUnknown` (or `Aborted`) carries so the webhooks can settle it. */
  readonly connect?: { readonly to?: string; readonly recipient?: string; readonly bizOpaqueCallbackData?: string };
}

/**
 * A plain, JSON-only copy of a caller's input, read once: getters run once, Proxies and cycles
 * that make reading fail give `undefined`. What is checked is then exactly what is sent.
 */
export function snapshot(input: unknown): unknown {
  try {
    const text = JSON.stringify(input);
    return typeof text === "string" ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** The body of `connect`. */
export function connectRequest(input: ConnectInput): Request {
  return {
    method: "POST",
    path: "calls",
    body: {
      messaging_product: "whatsapp",
      ...(input.to !== undefined ? { to: input.to } : { recipient: input.recipient }),
      action: "connect",
      session: { sdp_type: "offer", sdp: input.sdp.sdp },
      ...(input.bizOpaqueCallbackData !== undefined && { biz_opaque_callback_data: input.bizOpaqueCallbackData }),
    },
    connect: {
      ...(input.to !== undefined && { to: input.to }),
      ...(input.recipient !== undefined && { recipient: input.recipient }),
      ...(input.bizOpaqueCallbackData !== undefined && { bizOpaqueCallbackData: input.bizOpaqueCallbackData }),
    },
  };
}

/** The `calling` object of a settings update, in the API's field names. */
export function settingsBody(s: CallingSettingsUpdate): Record<string, unknown> {
  return {
    ...(s.status !== undefined && { status: s.status }),
    ...(s.callIconVisibility !== undefined && { call_icon_visibility: s.callIconVisibility }),
    ...(s.callbackPermissionStatus !== undefined && { callback_permission_status: s.callbackPermissionStatus }),
    ...(s.srtpKeyExchangeProtocol !== undefined && { srtp_key_exchange_protocol: s.srtpKeyExchangeProtocol }),
    ...(s.callHours !== undefined && {
      call_hours: {
        status: s.callHours.status,
        timezone_id: s.callHours.timezoneId,
        weekly_operating_hours: s.callHours.weeklyOperatingHours.map((h) => ({ day_of_week: h.dayOfWeek, open_time: h.openTime, close_time: h.closeTime })),
        ...(s.callHours.holidaySchedule !== undefined && {
          holiday_schedule: s.callHours.holidaySchedule.map((h) => ({ date: h.date, start_time: h.startTime, end_time: h.endTime })),
        }),
      },
    }),
  };
}

/** Removes trailing slashes in one linear pass (a `/\/+$/` regex is quadratic on `"/".repeat(n) + "x"`). */
export function trimSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return text.slice(0, end);
}
