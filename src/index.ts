/**
 * wacall: the WhatsApp Cloud API Calling API, with every failure as a typed value.
 *
 * @module
 */
export {
  catalog,
  catalogEntry,
  categories,
  callingCodeRange,
  fallbackTags,
  operations,
  type CallingTag,
  type CatalogEntry,
  type CatalogRow,
  type Category,
  type CategoryOf,
  type Channel,
  type CodeRule,
  type KnownTag,
  type Operation,
} from "./catalog.js";
export {
  forOperation,
  graphError,
  malformedReasons,
  malformedResponse,
  snippetLength,
  isCallingCode,
  unknownError,
  type CallingError,
  type CallingErrorTag,
  type ErrorFields,
  type ErrorMetadata,
  type ErrorOf,
  type GraphError,
  type GraphErrorOf,
  type GraphErrorTag,
  type GraphErrorTagOf,
  type KnownError,
  type MalformedReason,
  type MalformedResponse,
  type UnknownCallingError,
  type UnknownGraphError,
} from "./errors.js";
export { decodeGraphError, parseCode, type DecodeContext } from "./decode.js";
export {
  asCallId,
  asMessageId,
  decodeCallingResponse,
  type ActionLimit,
  type CallId,
  type CallingSettings,
  type CallPermissions,
  type MessageId,
  type PermissionAction,
  type PermissionStatus,
  type RawResponse,
  type SuccessByOperation,
  type SuccessOf,
} from "./response.js";
export {
  hasTag,
  isCallingError,
  isGraphError,
  isRetryable,
  matchCategory,
  matchError,
  toError,
  type Categorized,
  type CategoryHandlers,
  type Handlers,
  type PartialHandlers,
  type Tagged,
  type WacallThrowable,
} from "./match.js";
export {
  computeRetryAt,
  getHeader,
  parseRetryAfter,
  retryAtFromUsage,
  timeInText,
  type Clock,
  type HeadersLike,
  type RetryHints,
} from "./retry.js";
export { sipCatalog, type SipEntry, type SipOnlyTag, type SipRow, type SipTwinTag } from "./sip-catalog.js";
export {
  decodeSipResponse,
  type MalformedSipResponse,
  type SipDecodeOptions,
  type SipError,
  type SipErrorTag,
  type SipFields,
  type SipMetadata,
  type SipOnlyError,
  type SipTwinError,
  type UnknownSipResponse,
} from "./sip.js";
export {
  encodeGraphError,
  encodeWebhookError,
  type CodedError,
  type GraphErrorObject,
  type WebhookErrorObject,
} from "./encode.js";
