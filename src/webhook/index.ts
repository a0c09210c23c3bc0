/**
 * `wacall/webhook`: calls webhooks as values.
 *
 * @module
 */
export {
  decodeWebhook,
  decodeWebhookItems,
  type AccountFields,
  type CallConnect,
  type CallEvent,
  type CallFields,
  type CallingRestriction,
  type CallingRestrictionInfo,
  type CallingRestrictionType,
  type CallingSettingsChanged,
  type CallingViolation,
  type CallingViolationType,
  type CallPermissionReply,
  type CallRecordingAvailable,
  type CallStatus,
  type CallTerminate,
  type CallTranscriptionAvailable,
  type Contact,
  type DecodeWebhookOptions,
  type MediaFile,
  type Metadata,
  type SipCallCreated,
  type UnknownCallEvent,
  type UnknownChange,
  type Voicemail,
  type WebhookDecodeError,
  type WebhookItemProblem,
  type WebhookItems,
  type WebhookSession,
} from "./events.js";
export { DEFAULT_MAX_BODY_BYTES } from "./body.js";
export {
  ENTRY_OVERHEAD_BYTES,
  memoryDedupeStore,
  type DedupeStore,
  type LegacyDedupeStore,
  type MemoryDedupeOptions,
  type MemoryDedupeStore,
} from "./dedupe.js";
export { eventCatalog, type EventCatalogRow } from "./event-catalog.js";
export { eventKey } from "./event-key.js";
export {
  createWebhookHandler,
  type BodyUnreadableReason,
  type WaitUntilContext,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookHandlerProblem,
} from "./handler.js";
export { toNodeListener, webhookServerOptions, type NodeListenerOptions, type NodeRequestLike, type NodeResponseLike } from "./node.js";
export {
  parseSignatureHeader,
  signBody,
  verifySignature,
  verifySubscription,
  type RawBody,
  type SignatureError,
  type SubscriptionError,
} from "./signature.js";
