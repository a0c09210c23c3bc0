/**
 * Test helpers: fast-check generators (`fast-check` is an optional peer dependency).
 *
 * @module
 */
export {
  arbCatalogCase,
  arbErrorCase,
  arbErrorEnvelope,
  arbPlainText,
  arbSecret,
  arbUnknownCode,
  catalogCases,
  type CodeCase,
  type ErrorCase,
} from "./arbitraries.js";
export {
  startFakeCallingApi,
  type FakeCall,
  type FakeCallingApi,
  type FakeCallingApiOptions,
  type FakeLimits,
  type Fault,
  type RecordedRequest,
  type SentWebhook,
} from "./fake-server.js";
export { connectChange, delivery, permissionReplyChange, statusChange, terminateChange, type Change } from "./webhooks.js";
