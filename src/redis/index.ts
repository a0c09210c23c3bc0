/**
 * `wacall/redis`: the shared stores of several workers on Redis, with node-redis (an optional
 * peer dependency): webhook de-duplication, call states, the event bus between workers, and the
 * limit governor. The core never loads this module.
 *
 * @module
 */
export { DEFAULT_COMMAND_TIMEOUT_MS, type RedisCommands } from "./command.js";
export { redisDedupeStore, type ClaimOutcome, type RedisDedupeOptions, type RedisDedupeStore } from "./dedupe.js";
export { redisCallStateStore, type RedisCallStateOptions } from "./call-state.js";
export { redisEventBus, type RedisEventBusOptions } from "./events.js";
export { redisLimitGovernor, type RedisLimitOptions } from "./limits.js";
