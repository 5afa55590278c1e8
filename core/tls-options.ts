import { ErrorCode } from './error-code.js';
import { MultiplayerError } from './errors.js';

const MODE = { CLIENT: 0, CLIENT_UNSAFE: 1, SERVER: 2 } as const;
type Mode = (typeof MODE)[keyof typeof MODE];

const PEM_CERT = /-----BEGIN CERTIFICATE-----/;
const PEM_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

/**
 * Godot: TLSOptions (core/crypto/crypto.h): how a TLS client verifies a server, or what a TLS server
 * presents. Pure data: certificates and keys are PEM strings (Godot's `X509Certificate` / `CryptoKey`
 * saved as PEM), so the same object works for WebSocket and HTTP and in any runtime.
 * Build one with `TLSOptions.client()`, `TLSOptions.clientUnsafe()` or `TLSOptions.server()`.
 */
export class TLSOptions {
  readonly #mode: Mode;
  readonly #trustedCaChain: string | null;
  readonly #commonNameOverride: string;
  readonly #privateKey: string | null;
  readonly #ownCertificate: string | null;

  private constructor(mode: Mode, chain: string | null, cn: string, key: string | null, cert: string | null) {
    this.#mode = mode;
    this.#trustedCaChain = chain;
    this.#commonNameOverride = cn;
    this.#privateKey = key;
    this.#ownCertificate = cert;
  }

  /**
   * A verifying client. `trustedChain` (PEM, one or more certificates) replaces the system CAs when
   * given; `commonNameOverride` is the name the server certificate must match instead of the host.
   * Godot: TLSOptions::client (core/crypto/crypto.cpp)
   */
  static client(trustedChain: string | null = null, commonNameOverride = ''): TLSOptions {
    checkPem(trustedChain, PEM_CERT, 'trustedChain');
    return new TLSOptions(MODE.CLIENT, trustedChain, commonNameOverride, null, null);
  }

  /**
   * A client that does not verify the server certificate (testing only: open to man-in-the-middle).
   * Godot: TLSOptions::client_unsafe (core/crypto/crypto.cpp)
   */
  static clientUnsafe(trustedChain: string | null = null): TLSOptions {
    checkPem(trustedChain, PEM_CERT, 'trustedChain');
    return new TLSOptions(MODE.CLIENT_UNSAFE, trustedChain, '', null, null);
  }

  /**
   * A server presenting `certificate` (PEM chain) with its private `key` (PEM).
   * Godot: TLSOptions::server (core/crypto/crypto.cpp)
   */
  static server(key: string, certificate: string): TLSOptions {
    checkPem(key, PEM_KEY, 'key');
    checkPem(certificate, PEM_CERT, 'certificate');
    return new TLSOptions(MODE.SERVER, null, '', key, certificate);
  }

  /** Godot: TLSOptions::is_server. */
  isServer(): boolean {
    return this.#mode === MODE.SERVER;
  }

  /** Godot: TLSOptions::is_unsafe_client. */
  isUnsafeClient(): boolean {
    return this.#mode === MODE.CLIENT_UNSAFE;
  }

  /** Godot: TLSOptions::get_common_name_override. Empty when the host name is checked. */
  getCommonNameOverride(): string {
    return this.#commonNameOverride;
  }

  /** Godot: TLSOptions::get_trusted_ca_chain. PEM, or null for the system CAs. */
  getTrustedCaChain(): string | null {
    return this.#trustedCaChain;
  }

  /** Godot: TLSOptions::get_private_key. PEM (server options only). */
  getPrivateKey(): string | null {
    return this.#privateKey;
  }

  /** Godot: TLSOptions::get_own_certificate. PEM (server options only). */
  getOwnCertificate(): string | null {
    return this.#ownCertificate;
  }
}

function checkPem(value: string | null, pattern: RegExp, what: string): void {
  if (value === null) return;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `TLSOptions: ${what} must be a PEM string.`);
  }
}
