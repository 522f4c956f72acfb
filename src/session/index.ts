/**
 * src/session: one connection's protocol, sans-io (bytes in → bytes out +
 * phase facts). No sockets, no xstate, no timers.
 */
export * from './types.js';
export * from './session.js';
export * from './wire.js';
