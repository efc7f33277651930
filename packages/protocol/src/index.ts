/**
 * @switchboard/protocol: the wire contract shared by the gateway, the CLI, the sample backend and
 * third-party backends. It has no runtime dependencies.
 */
export * from './error-codes.js';
export * from './error-frames.js';
export * from './context-headers.js';
export * from './backend-draining.js';
export * from './management-api.js';
export * from './groups.js';
export * from './event-batches.js';
