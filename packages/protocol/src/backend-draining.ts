/**
 * How a backend replica says "I am draining, send this elsewhere": HTTP 503 with this header.
 * The gateway then knows the request was not processed, and retries it on another upstream.
 * @see docs/backends.md "The drain signal"
 */

/** Response header of a draining backend's 503; any value counts, `1` is conventional. */
export const drainingHeader = 'x-switchboard-draining';

/** The status that goes with `drainingHeader`. */
export const drainingStatus = 503;
