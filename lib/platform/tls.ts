import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * A self-signed serving certificate for the local API, made with node:crypto alone (no openssl).
 * Needed for token authentication with kubectl: client-go sends credentials only over https, so a
 * token-protected API must serve TLS, with this certificate as the kubeconfig's certificate authority.
 */
export interface ServingCertificate {
  /** PKCS#8 PEM private key. */
  key: string;
  /** X.509 PEM certificate, also its own certificate authority. */
  cert: string;
}

export interface CertificateOptions {
  commonName?: string;
  /** Subject alternative names; defaults to 127.0.0.1, ::1 and localhost. */
  hosts?: string[];
  validDays?: number;
  now?: number;
}

export function selfSignedCertificate(options: CertificateOptions = {}): ServingCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = options.now ?? Date.now();
  const hosts = options.hosts ?? ['127.0.0.1', '::1', 'localhost'];
  const name = der.sequence(der.set(der.sequence(der.oid('2.5.4.3'), der.utf8(options.commonName ?? 'kube-apiserver'))));
  const serial = randomBytes(16);
  // A positive INTEGER with no leading zero byte (DER forbids the padding a 0x00 first byte would be).
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const altNames = hosts.map((host) => (isIP(host) ? der.tlv(0x87, ipBytes(host)) : der.tlv(0x82, Buffer.from(host, 'ascii'))));
  const extensions = der.explicit(
    3,
    der.sequence(
      der.sequence(der.oid('2.5.29.19'), der.boolean(true), der.octets(der.sequence(der.boolean(true)))),
      // digitalSignature and keyCertSign.
      der.sequence(der.oid('2.5.29.15'), der.boolean(true), der.octets(der.tlv(0x03, Buffer.from([0x02, 0x84])))),
      der.sequence(der.oid('2.5.29.37'), der.octets(der.sequence(der.oid('1.3.6.1.5.5.7.3.1')))),
      der.sequence(der.oid('2.5.29.17'), der.octets(der.sequence(...altNames))),
    ),
  );
  const algorithm = der.sequence(der.oid('1.2.840.10045.4.3.2'));
  const tbs = der.sequence(
    der.explicit(0, der.integer(Buffer.from([2]))),
    der.integer(serial),
    algorithm,
    name,
    der.sequence(der.time(now - 3_600_000), der.time(now + (options.validDays ?? 3650) * 86_400_000)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = der.sequence(tbs, algorithm, der.tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: pem('CERTIFICATE', certificate) };
}

function pem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

/** Just enough ASN.1 DER to write a certificate. */
const der = {
  tlv(tag: number, content: Buffer): Buffer {
    const length = content.length;
    if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
    const bytes: number[] = [];
    for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), content]);
  },
  sequence: (...items: Buffer[]) => der.tlv(0x30, Buffer.concat(items)),
  set: (...items: Buffer[]) => der.tlv(0x31, Buffer.concat(items)),
  explicit: (n: number, content: Buffer) => der.tlv(0xa0 + n, content),
  integer: (value: Buffer) => der.tlv(0x02, value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value),
  boolean: (value: boolean) => der.tlv(0x01, Buffer.from([value ? 0xff : 0])),
  octets: (content: Buffer) => der.tlv(0x04, content),
  utf8: (text: string) => der.tlv(0x0c, Buffer.from(text, 'utf8')),
  time(epochMs: number): Buffer {
    const iso = new Date(epochMs).toISOString();
    const utc = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
    return der.tlv(0x17, Buffer.from(utc, 'ascii'));
  },
  oid(dotted: string): Buffer {
    const [first, second, ...rest] = dotted.split('.').map(Number);
    const bytes = [first! * 40 + second!];
    for (const part of rest) {
      const chunk: number[] = [part & 0x7f];
      for (let n = part >> 7; n > 0; n >>= 7) chunk.unshift((n & 0x7f) | 0x80);
      bytes.push(...chunk);
    }
    return der.tlv(0x06, Buffer.from(bytes));
  },
};
