import { decodeCallingResponse, isCallingError, matchError, type CallingError } from "wacall";

/** What a call centre does for each calling failure. Remove one line and this stops compiling. */
export function nextStep(e: CallingError): string {
  return matchError(e, {
    CallPermissionNotFound: () => "send a call permission request",
    PermanentCallPermissionExists: () => "call the user",
    CallPermissionRequestLimitHit: (x) => `wait for the request window${x.retryAt ? ` (until ${x.retryAt.toISOString()})` : ""}`,
    BusinessInitiatedCallsLimitHit: (x) => `call again at ${x.retryAt?.toISOString() ?? "a later time"}`,
    ConcurrentCallsLimit: () => "queue the call: 1000 calls are up",
    CallRateLimitExceeded: () => "slow down new calls",
    FetchCallPermissionLimitHit: () => "cache permission look-ups",
    DuplicateCall: () => "a call with this user is already up",
    CallConnectionError: () => "retry later; check SDP and ICE",
    CallConnectionTimeout: () => "accept faster; place a new call",
    CallSetupFailed: () => "place the call again later",
    RelayConnectionFailed: () => "place the call again later",
    MediaReceiveTimeout: () => "check that media flows",
    MediaTransmitTimeout: () => "place the call again later",
    CallTerminatedWithoutMedia: () => "place the call again later",
    ReceiverUncallable: () => "ask the user to update WhatsApp",
    RecipientNotInAllowedList: () => "add the user to the test number's allowed list",
    CallingNotEnabled: () => "enable calling on the number",
    CallingCannotBeEnabled: () => "configure SIP or subscribe to the calls webhook",
    CallingRequiresMessagingLimit: () => "raise the messaging limit to 2,000",
    BusinessInitiatedCallingUnavailable: () => "use user-initiated calls here",
    SipNumberRejectsGraphCalling: () => "use SIP signalling",
    CallingTemporarilyDisabled: () => "calling is paused for quality; wait",
    CallingPaymentMethodMissing: () => "fix billing",
    InvalidParameter: (x) => `fix the request: ${x.details ?? x.message}`,
    InvalidParameterValue: (x) => `fix the request: ${x.details ?? x.message}`,
    UnknownCallingError: (x) => `unknown calling code ${x.code}: report it`,
  });
}

/** Decode a 138006 answer to `connect` and decide what to do. */
export function handleConnectResponse(status: number, body: string): string {
  return decodeCallingResponse("connect", { status, body }).match(
    (callId) => `calling: ${callId}`,
    (e) => (isCallingError(e) ? nextStep(e) : `${e._tag}: ${e.message}`),
  );
}

export const example = () =>
  handleConnectResponse(
    401,
    '{"error":{"message":"(#138006) No approved call permission found","type":"OAuthException","code":138006,"fbtrace_id":"AbCdEf123"}}',
  );
