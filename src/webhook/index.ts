/**
 * `wacall/webhook`: calls webhooks as values.
 *
 * @module
 */
export {
  decodeWebhook,
  type CallConnect,
  type CallEvent,
  type CallPermissionReply,
  type CallStatus,
  type CallTerminate,
  type Metadata,
  type UnknownCallEvent,
  type UnknownChange,
  type WebhookDecodeError,
  type WebhookSession,
} from "./events.js";
export {
  createWebhookHandler,
  eventKey,
  memoryDedupeStore,
  type DedupeStore,
  type WebhookHandlerOptions,
  type WebhookHandlerProblem,
} from "./handler.js";
export { toNodeListener, type NodeRequestLike, type NodeResponseLike } from "./node.js";
export {
  parseSignatureHeader,
  signBody,
  verifySignature,
  verifySubscription,
  type RawBody,
  type SignatureError,
  type SubscriptionError,
} from "./signature.js";
