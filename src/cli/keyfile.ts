/** The key file lives in src/io/keyfile.ts (the library uses it too); re-exported for the daemon. */
export { KEY_FILE_NAME, KeyFileError, loadOrCreateSecret, readOrGenerateSecret, SECRET_SIZE } from '../io/keyfile.js';
export type { NodeSecret, PendingSecret } from '../io/keyfile.js';
