/**
 * Trusting an Asterisk manager's TLS certificate: reading the CA file the admin
 * names (`asterisk.ami.ca`) and saying in plain words why a certificate was refused.
 * Verification itself stays Node's (the chain must end at a given CA and the
 * certificate must name the host); nothing here turns a check off.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A CA file read: its certificates as PEM, or one line saying what is wrong, naming the file. */
export type CaFile =
  | { readonly ok: true; readonly pem: string; readonly certificates: number }
  | { readonly ok: false; readonly error: string };

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g;
/** Bigger than any sensible CA bundle (Mozilla's is about 220 KB). */
const MAX_CA_FILE_BYTES = 4 * 1024 * 1024;

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

/**
 * Reads `path` and keeps its PEM certificates (other blocks, such as a private key
 * in the same file, are left out). Never throws: a file that cannot be read, holds
 * no certificate or a broken one gives `{ ok: false }` with one line naming it.
 */
export function readCaFile(path: string, read: (path: string) => Buffer = readFileSync): CaFile {
  const where = `the CA file ${path} (asterisk.ami.ca)`;
  let bytes: Buffer;
  try {
    bytes = read(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { ok: false, error: `cannot read ${where}: ${typeof code === 'string' ? READ_ERRORS[code] ?? code : String(e)}` };
  }
  if (bytes.length > MAX_CA_FILE_BYTES) return { ok: false, error: `${where} is larger than ${MAX_CA_FILE_BYTES} bytes: not a CA file` };
  const blocks = bytes.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return { ok: false, error: `${where} holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)` };
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return { ok: false, error: `certificate ${i + 1} of ${blocks.length} in ${where} is not a valid certificate` };
    }
  }
  return { ok: true, pem: `${blocks.join('\n')}\n`, certificates: blocks.length };
}

/** What the plain-words description of a TLS failure may mention. */
export interface TlsContext {
  readonly host: string;
  readonly port: number;
  /** The CA file in use; undefined: the system's CAs. */
  readonly caFile: string | undefined;
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED',
]);
/** OpenSSL's answer when the peer's first bytes are no TLS record (e.g. the plain AMI banner). */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_RECORD_LAYER_FAILURE']);
/** Other certificate verification codes (X509_V_ERR_* without the prefix). */
const CERTIFICATE_CODE = /^(CERT_|CRL_|INVALID_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|PATH_LENGTH|KEYUSAGE|HOSTNAME_|IP_ADDRESS_|EE_KEY|CA_KEY|CA_MD)/;

/**
 * One line for a person when `e` is a TLS failure — what is wrong and what to set —
 * or undefined when it is not one (a refused or reset connection, a timeout).
 */
export function describeTlsError(e: unknown, ctx: TlsContext): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  const openssl = (e as { reason?: unknown }).reason;
  const why = typeof openssl === 'string' && openssl !== '' ? openssl : e.message;
  if (UNKNOWN_AUTHORITY.has(code)) {
    const what = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? 'self-signed certificate that is not trusted' : 'certificate signed by an unknown authority';
    const fix = ctx.caFile === undefined
      ? "set asterisk.ami.ca to the PBX's CA file (for a self-signed certificate: that certificate)"
      : `it does not chain to a CA in ${ctx.caFile} (asterisk.ami.ca): is that the PBX's CA file?`;
    return `TLS: ${what} (${why}) — ${fix}`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS: the certificate is not for ${ctx.host} (${why}) — set asterisk.ami.host to a name or address the certificate lists`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `TLS: the manager's certificate has expired (${why}) — renew it on the PBX`;
  if (code === 'CERT_NOT_YET_VALID') return `TLS: the manager's certificate is not valid yet (${why}) — check the clocks of the PBX and this host`;
  if (NOT_TLS.has(code)) {
    return `TLS: the manager on port ${ctx.port} did not answer in TLS (${why}) — `
      + "set asterisk.ami.port to its TLS port (tlsbindport in manager.conf, usually 5039), or tls: false";
  }
  if (CERTIFICATE_CODE.test(code)) return `TLS: certificate refused (${why})`;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return `TLS handshake failed (${why})`;
  return undefined;
}
