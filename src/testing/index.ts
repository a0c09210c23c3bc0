/**
 * Test helpers with no dependency beyond wacall: a fake Calling API on loopback and builders of
 * webhook deliveries. The fast-check generators live in `wacall/testing/arbitraries`, the only
 * subpath that needs `fast-check` (an optional peer dependency).
 *
 * @module
 */
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
