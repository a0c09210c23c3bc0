/**
 * `wacall/webhook`: calls webhooks as values.
 *
 * @module
 */
export {
  decodeWebhook,
  decodeWebhookItems,
  type CallConnect,
  type CallEvent,
  type CallFields,
  type CallPermissionReply,
  type CallStatus,
  type CallTerminate,
  type DecodeWebhookOptions,
  type Metadata,
  type UnknownCallEvent,
  type UnknownChange,
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
export { eventKey } from "./event-key.js";
export { createWebhookHandler, type WebhookHandlerOptions, type WebhookHandlerProblem } from "./handler.js";
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
