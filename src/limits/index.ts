/**
 * Meta's calling limits, counted before Meta does: the governor interface, its in-memory
 * implementation, and the client wrapper that asks it. The Redis governor is in `wacall/redis`.
 *
 * @module
 */
export { defaultCallLimits, type CallLimits, type LimitGovernor, type LimitName, type LimitRefused, type LimitRequest, type LimitUsage, type Reservation, type ReservationOutcome } from "./types.js";
export { memoryLimitGovernor, type MemoryLimitOptions } from "./memory.js";
export { governed, type GovernedOptions, type LocalRefusal } from "./governed.js";
