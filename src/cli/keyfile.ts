/** The key file lives in src/io/keyfile.ts (the library uses it too); re-exported for the daemon. */
export { KEY_FILE_NAME, KeyFileError, loadOrCreateSecret, SECRET_SIZE } from '../io/keyfile.js';
export type { NodeSecret } from '../io/keyfile.js';
