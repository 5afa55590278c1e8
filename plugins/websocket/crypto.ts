import { createPublicKey, generateKeyPair } from 'node:crypto';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

/** Extra certificate options that Godot's signature has no room for. */
export interface CertificateOptions {
  /** Subject alternative names: DNS names or IP addresses. Default: the CN, `localhost`, 127.0.0.1, ::1. */
  readonly altNames?: readonly string[];
}

/**
 * Godot: Crypto (core/crypto/crypto.h), the key and self-signed certificate helpers, in Node.
 * Keys and certificates are PEM strings, as `TLSOptions` takes them.
 */
export class Crypto {
  /** An RSA private key (PKCS#8 PEM) of `size` bits. Godot: Crypto::generate_rsa */
  async generateRsa(size = 2048): Promise<string> {
    return new Promise((resolve, reject) => {
      generateKeyPair(
        'rsa',
        { modulusLength: size, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } },
        (err, _publicKey, privateKey) => (err ? reject(err) : resolve(privateKey)),
      );
    });
  }

  /**
   * A certificate for `key`, signed by itself (SHA-256). `issuerName` is Godot's
   * `"CN=…,O=…,C=…"` form; dates default to now and now + 1 year.
   * Godot: Crypto::generate_self_signed_certificate
   */
  async generateSelfSignedCertificate(
    key: string,
    issuerName = 'CN=myserver,O=myorganisation,C=IT',
    notBefore: Date = new Date(),
    notAfter: Date = new Date(notBefore.getTime() + 365 * 24 * 3600 * 1000),
    options: CertificateOptions = {},
  ): Promise<string> {
    const attrs = parseName(issuerName);
    const cn = attrs.find((a) => a.shortName === 'CN')?.value ?? 'localhost';
    const names = options.altNames ?? [...new Set([cn, 'localhost', '127.0.0.1', '::1'])];
    const publicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    const pems = await generate(attrs, {
      keyPair: { privateKey: key, publicKey },
      algorithm: 'sha256',
      notBeforeDate: notBefore,
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: names.map((n) => (isIP(n) !== 0 ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })),
        },
      ],
    });
    return pems.cert;
  }
}

/** A fresh RSA key and a self-signed certificate for `commonName`: the usual test-server setup. */
export async function generateSelfSigned(
  commonName = 'localhost',
  options: CertificateOptions = {},
): Promise<{ key: string; certificate: string }> {
  const crypto = new Crypto();
  const key = await crypto.generateRsa(2048);
  const certificate = await crypto.generateSelfSignedCertificate(key, `CN=${commonName},O=scenenet,C=IT`, undefined, undefined, options);
  return { key, certificate };
}

const SHORT_NAMES: Record<string, string> = {
  CN: 'commonName',
  O: 'organizationName',
  OU: 'organizationalUnitName',
  C: 'countryName',
  ST: 'stateOrProvinceName',
  L: 'localityName',
};

function parseName(name: string): { name: string; shortName: string; value: string }[] {
  return name
    .split(',')
    .map((part) => part.split('=').map((s) => s.trim()))
    .filter((kv): kv is [string, string] => kv.length === 2 && SHORT_NAMES[kv[0]!.toUpperCase()] !== undefined)
    .map(([k, v]) => ({ name: SHORT_NAMES[k.toUpperCase()]!, shortName: k.toUpperCase(), value: v }));
}
