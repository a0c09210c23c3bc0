/**
 * `wacall/client`: the Calling API client.
 *
 * @module
 */
export { clientDefaults, createCallingClient, type CallingClient, type CallingClientOptions, type CallOptions, type RetryOptions } from "./client.js";
export type {
  Aborted,
  ApiErrorOf,
  AttemptInfo,
  AttemptRecord,
  ClientErrorOf,
  InvalidInput,
  NetworkError,
  OutcomeUnknown,
  ResponseTooLarge,
  Timeout,
  TransportError,
  UnexpectedRedirect,
} from "./errors.js";
export type {
  AttemptEndInfo,
  CallEndInfo,
  CallStartInfo,
  ClientErrorCategory,
  ClientErrorTag,
  ClientHooks,
  HookCallInfo,
  HookErrorInfo,
  HookName,
} from "./hooks.js";
export {
  sdpAnswer,
  sdpOffer,
  type AcceptInput,
  type CallIdInput,
  type CallingSettingsUpdate,
  type CallTarget,
  type ConnectInput,
  type HolidayHours,
  type PermissionLookupInput,
  type PermissionRequestInput,
  type PreAcceptInput,
  type SdpAnswer,
  type SdpOffer,
  type WeeklyHours,
} from "./types.js";
export {
  answerIncomingCall,
  ensureCallPermission,
  settleOutcomeUnknown,
  type AnswerError,
  type AnswerWindowMissed,
  type EnsurePermissionError,
  type NotAnIncomingCall,
  type PermissionOutcome,
  type Settlement,
} from "./pipelines.js";
export { foldCall, isCallOver } from "../calls/fold.js";
export type {
  Accepted,
  CallAnomaly,
  CallEnding,
  CallState,
  CallStateFields,
  CallStatusWord,
  ConflictingField,
  Ended,
  Failed,
  NotAnswered,
  Rejected,
  Ringing,
} from "../calls/state-types.js";
export {
  createCallEventSource,
  type CallEventSource,
  type CallEventSourceOptions,
  type EventBus,
  type EventCursor,
  type EventFollower,
  type EventMatch,
  type EventSourceStats,
  type EventSubscription,
  type EventWaitAborted,
  type EventWaitError,
  type EventWaitTimeout,
  type StartOptions,
  type TooManyWaiters,
  type WaitOptions,
} from "../calls/source.js";
export { followCall, type CallEnd, type CallEndUnknown, type FollowError, type FollowOptions } from "../calls/follow.js";
export {
  answerCall,
  placeCall,
  type AnswerCallError,
  type AnswerCallOptions,
  type OutboundEnd,
  type PlaceCallError,
  type PlaceCallInput,
  type PlaceCallOptions,
} from "../calls/pipelines.js";
export { memoryCallStateStore, type CallStateStore, type MemoryCallStateOptions } from "../calls/store.js";
export { decodeCallEvent, decodeCallState, encodeCallEvent, encodeCallState } from "../calls/codec.js";
export type { StoreName, StoreUnavailable } from "../calls/store-error.js";
export * from "../limits/index.js";
