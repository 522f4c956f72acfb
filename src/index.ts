/**
 * lnconnect: the connection layer of a Lightning Network node.
 * Package root: re-exports the public API (grows as the modules land).
 */
export const VERSION = '0.1.0';
