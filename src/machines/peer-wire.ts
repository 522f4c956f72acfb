/** Moved to src/session/wire.ts; this re-export goes with the old peer machine. */
export * from '../session/wire.js';
