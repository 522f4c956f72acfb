/**
 * Address shapes shared by every layer (pure types, no I/O).
 *
 * - `WireAddress`: what BOLT 7 address descriptors carry (ipv4, ipv6, torv3, dns).
 * - `DialAddress`: one entry of a connect attempt's dial list: a wire address, a
 *   local (UNIX) socket, an `unresolved` name handed to a SOCKS5 proxy as a
 *   domain name (Core Lightning's FORPROXY), or a `websocket` URL (`ws://`,
 *   `wss://`, lnsocket's form) dialled over RFC 6455.
 * - `AddressJson`: the `address` object of the connect result (spec §6).
 *
 * Field names match the JSON of Core Lightning's connect result, so an ipv4/ipv6/
 * torv3 `DialAddress` is already its own JSON form.
 */

export type Network = 'bitcoin' | 'testnet' | 'testnet4' | 'signet' | 'regtest';

/** IPv6 `address` is written without brackets; torv3 `address` is `<56 base32 chars>.onion`. */
export type WireAddress =
  | { readonly type: 'ipv4'; readonly address: string; readonly port: number }
  | { readonly type: 'ipv6'; readonly address: string; readonly port: number }
  | { readonly type: 'torv3'; readonly address: string; readonly port: number }
  | { readonly type: 'dns'; readonly address: string; readonly port: number };

export type DialAddress =
  | WireAddress
  | { readonly type: 'local socket'; readonly socket: string }
  | { readonly type: 'unresolved'; readonly address: string; readonly port: number }
  | WebSocketAddress;

/**
 * A `ws://host[:port]` / `wss://host[:port][/path]` URL to dial. `label` is
 * how it is printed (401 fragments: the URL as typed, without a default port
 * or a bare `/`); `host` is the TCP address the WebSocket runs over (port from
 * the URL, else 80/443), which is what the connect result and listpeers
 * report, as lnconnect/browser does.
 */
export interface WebSocketAddress {
  readonly type: 'websocket';
  readonly url: string;
  readonly label: string;
  readonly tls: boolean;
  readonly host: { readonly type: 'ipv4' | 'ipv6' | 'dns'; readonly address: string; readonly port: number };
}

/** The connect result's `address` object (spec §6), fields in Core Lightning's order. */
export type AddressJson =
  | { type: 'ipv4' | 'ipv6' | 'torv3'; address: string; port: number }
  | { type: 'local socket'; socket: string }
  | { type: 'dns' | 'unresolved'; address: string; port: number };
