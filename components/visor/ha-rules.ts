// Visor's HA lock rules from the guide, as data: the defaults of scheduler.ha and the heartbeat ratio.
// (Added for the cloud components' validation; the smoke test's check states the same rule.)

/** Visor's default `lock_ttl`, in seconds. */
export const DEFAULT_LOCK_TTL_SECONDS = 60;
/** Visor's default `heartbeat_interval`, in seconds. */
export const DEFAULT_HEARTBEAT_SECONDS = 15;
/** The guide: heartbeat_interval < lock_ttl / HEARTBEAT_RATIO. */
export const HEARTBEAT_RATIO = 3;
