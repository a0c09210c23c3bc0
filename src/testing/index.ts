/**
 * Test helpers: a fake Calling API, webhook builders and fast-check generators, hostile ones
 * included (`fast-check` is an optional peer dependency).
 *
 * @module
 */
export {
  arbCatalogCase,
  arbErrorCase,
  arbErrorEnvelope,
  arbHostileClock,
  arbHostileHeaders,
  arbHostileSignal,
  arbHostileValue,
  arbHostileValueWith,
  arbSecretForm,
  arbSecretPlacement,
  arbToken,
  arbPlainText,
  arbSecret,
  arbUnknownCode,
  catalogCases,
  hostileCases,
  placeSecret,
  secretFields,
  secretForms,
  secretSeparators,
  thrower,
  type BodyShape,
  type CodeCase,
  type ErrorCase,
  type HostileCase,
  type HostileSizes,
  type HostileValueOptions,
  type SecretField,
  type SecretForm,
  type SecretPlacement,
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
