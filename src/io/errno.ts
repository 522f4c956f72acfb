/**
 * Error texts as Core Lightning prints them: glibc `strerror()` for socket
 * errno codes (the `<reason>` of 401 fragments, connectd/connectd.c's
 * connection failures) and glibc `gai_strerror()` for name lookups (the
 * `getaddrinfo error '<text>'` fragment). Node reports errno codes by name
 * (`err.code === 'ECONNREFUSED'`); these tables turn them back into the texts
 * a C daemon on Linux would print. Pure; used by the rest of src/io.
 */

/** glibc strerror() texts, Linux errno names. */
const STRERROR: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  ENOSPC: 'No space left on device',
  EPIPE: 'Broken pipe',
  ENAMETOOLONG: 'File name too long',
  EPROTO: 'Protocol error',
  ENOTSOCK: 'Socket operation on non-socket',
  EPROTONOSUPPORT: 'Protocol not supported',
  ENOTSUP: 'Operation not supported',
  EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  ENETRESET: 'Network dropped connection on reset',
  ECONNABORTED: 'Software caused connection abort',
  ECONNRESET: 'Connection reset by peer',
  ENOBUFS: 'No buffer space available',
  EISCONN: 'Transport endpoint is already connected',
  ENOTCONN: 'Transport endpoint is not connected',
  ESHUTDOWN: 'Cannot send after transport endpoint shutdown',
  ETIMEDOUT: 'Connection timed out',
  ECONNREFUSED: 'Connection refused',
  EHOSTDOWN: 'Host is down',
  EHOSTUNREACH: 'No route to host',
  EALREADY: 'Operation already in progress',
  EINPROGRESS: 'Operation now in progress',
  ECANCELED: 'Operation canceled',
};

/** glibc gai_strerror() texts. Node names EAI_NONAME and EAI_NODATA both `ENOTFOUND`. */
const GAI_STRERROR: Readonly<Record<string, string>> = {
  ENOTFOUND: 'Name or service not known',
  EAI_NONAME: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_FAIL: 'Non-recoverable failure in name resolution',
  EAI_NODATA: 'No address associated with hostname',
  ENODATA: 'No address associated with hostname',
  EAI_FAMILY: 'ai_family not supported',
  EAI_SOCKTYPE: 'ai_socktype not supported',
  EAI_SERVICE: 'Servname not supported for ai_socktype',
  EAI_ADDRFAMILY: 'Address family for hostname not supported',
  EAI_MEMORY: 'Memory allocation failure',
  EAI_BADFLAGS: 'Bad value for ai_flags',
  EAI_OVERFLOW: 'Result too large for supplied buffer',
  EAI_SYSTEM: 'System error',
  // c-ares names, should a resolver-based lookup be injected
  ESERVFAIL: 'Non-recoverable failure in name resolution',
  ETIMEOUT: 'Temporary failure in name resolution',
  ECONNREFUSED: 'Temporary failure in name resolution',
  EREFUSED: 'Non-recoverable failure in name resolution',
};

/** The `code` of a Node system error, if any. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** strerror() text for an errno name (`ECONNREFUSED` → `Connection refused`); undefined if unknown. */
export function strerror(code: string): string | undefined {
  return STRERROR[code];
}

/**
 * The reason text of a socket error, as CLN would print it: the strerror of
 * its errno name; otherwise glibc's `Unknown error N` for a numeric errno;
 * otherwise the error's own message.
 */
export function socketErrorReason(err: unknown): string {
  const code = errorCode(err);
  if (code !== undefined) {
    const text = STRERROR[code];
    if (text !== undefined) return text;
  }
  const errno = typeof err === 'object' && err !== null ? (err as { errno?: unknown }).errno : undefined;
  if (typeof errno === 'number') return `Unknown error ${Math.abs(errno)}`;
  if (err instanceof Error && err.message !== '') return err.message;
  return code ?? 'Unknown error';
}

/** gai_strerror() text for a lookup error (`ENOTFOUND` → `Name or service not known`). */
export function gaiStrerror(err: unknown): string {
  const code = errorCode(err);
  if (code !== undefined) {
    const text = GAI_STRERROR[code] ?? STRERROR[code];
    if (text !== undefined) return text;
  }
  if (err instanceof Error && err.message !== '') return err.message;
  return 'System error';
}
