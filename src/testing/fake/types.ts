/**
 * The public shapes of the fake Calling API: its options and limits, what it records, and the
 * running fake's controls.
 *
 * @module
 */
import type { Operation } from "../../catalog.js";
import type { Fault } from "./faults.js";

/** Limits the fake enforces; Meta's documented values by default. */
export interface FakeLimits {
  /** @default 1000 */
  readonly concurrentCalls?: number;
  /** Connected business-initiated calls per user per 24 h. @default 100 */
  readonly callsPerUserPerDay?: number;
  /** New calls per business number per 24 h. @default 10000 */
  readonly newCallsPerDay?: number;
  /** @default 1 */
  readonly permissionRequestsPerDay?: number;
  /** @default 2 */
  readonly permissionRequestsPerWeek?: number;
  /** @default 100 */
  readonly permissionLookupsPerSecond?: number;
  /** Time the business has to accept a user-initiated call. @default 60000 */
  readonly acceptWindowMs?: number;
  /** Business-initiated calls in a row that end unanswered before the permission is revoked. @default 4 */
  readonly unansweredCallsBeforeRevoke?: number;
}

/** Options of {@link startFakeCallingApi}. */
export interface FakeCallingApiOptions {
  /** @default "fake-access-token" */
  readonly accessToken?: string;
  /** @default "1234567890" */
  readonly phoneNumberId?: string;
  /** Epoch milliseconds; `Date.now` by default. Inject one to move time in tests. */
  readonly clock?: () => number;
  readonly limits?: FakeLimits;
  /** @default true */
  readonly callingEnabled?: boolean;
  /** A SIP number refuses Graph calling (131055). @default false */
  readonly sip?: boolean;
  /** The number's messaging limit; calling needs at least 2,000. @default 100000 */
  readonly messagingLimit?: number;
  /** Public test numbers only call users on this list (131030). */
  readonly allowedList?: readonly string[];
  /** Answer the permission look-up limit with the pre-2025 code 138013 instead of 613. */
  readonly legacyLookupLimitCode?: boolean;
  /**
   * Where to send signed calls webhooks, as Meta would (escaped-unicode JSON, `X-Hub-Signature-256`).
   * A receiver that has not answered within `timeoutMs` (default 10 s) counts as no answer
   * (status 0); its answer's body is never read.
   */
  readonly webhook?: { readonly url: string; readonly appSecret: string; readonly timeoutMs?: number };
}

/** A webhook delivery the fake sent, and how the receiver answered (0: no answer). */
export interface SentWebhook {
  readonly body: unknown;
  readonly status: number;
}

/** One request the fake received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly operation: Operation | undefined;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Whether the bearer token matched (the token itself is not recorded). */
  readonly authorized: boolean;
  readonly at: number;
  readonly fault?: Fault["kind"];
}

/** A call the fake knows. */
export interface FakeCall {
  readonly id: string;
  readonly user: string;
  readonly direction: "BUSINESS_INITIATED" | "USER_INITIATED";
  readonly state: "ringing" | "pre_accepted" | "accepted";
  readonly createdAt: number;
  readonly bizOpaqueCallbackData?: string;
}

/** The running fake, its controls and what it recorded. */
export interface FakeCallingApi {
  /** Base URL for the client's `baseUrl` (`http://127.0.0.1:<port>`). */
  readonly url: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
  /** Grants call permission (temporary for 7 days unless `permanent` or `expiresAt`). */
  grantPermission(user: string, options?: { readonly permanent?: boolean; readonly expiresAt?: number }): void;
  revokePermission(user: string): void;
  /** Makes a user unreachable for calls (138001). */
  markUncallable(user: string): void;
  setCallingEnabled(enabled: boolean): void;
  setSip(sip: boolean): void;
  /** A user calls the business (with `sdp` as the offer, a placeholder by default): returns the call id to pre-accept / accept. */
  incomingCall(from: string, options?: { readonly sdp?: string }): string;
  /** Forgets a call (no webhook, not counted as unanswered). */
  endCall(callId: string): void;
  /** Injects a fault into the next `times` requests (of `operation`, if given). */
  fault(fault: Fault, options?: { readonly operation?: Operation; readonly times?: number }): void;
  /** Drops every scripted fault not used yet. */
  clearFaults(): void;
  readonly calls: () => readonly FakeCall[];
  readonly requests: readonly RecordedRequest[];
  /** The user picks up a business-initiated call: status ACCEPTED, then connect with the SDP answer. */
  userAnswers(callId: string, sdpAnswer?: string): Promise<void>;
  /** The user declines a business-initiated call: status REJECTED, then terminate REJECTED. */
  userRejects(callId: string): Promise<void>;
  /** The call ends: terminate COMPLETED, or FAILED with the error of `errorCode` (e.g. 138021). */
  hangUp(callId: string, options?: { readonly errorCode?: number; readonly details?: string }): Promise<void>;
  /** The user answers a permission request; accepting grants the permission. */
  replyToPermissionRequest(user: string, response: "accept" | "reject", options?: { readonly permanent?: boolean }): Promise<void>;
  /** Sends any delivery, signed. */
  sendWebhook(body: unknown): Promise<void>;
  /** Resolves when every webhook sent so far has been answered. */
  webhooksIdle(): Promise<void>;
  readonly webhooks: readonly SentWebhook[];
  /** Stops the server and drops open connections (hung requests included). */
  close(): Promise<void>;
}
