/**
 * Reading the CA file and the plain-words description of TLS failures, without
 * sockets (the real handshakes are in tls.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeTlsError, readCaFile } from './trust.js';

/** A certificate block whose content is not a certificate (cut short). */
const BROKEN_CERT = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBfDCCASGgAwIBAgIUBx0O5q8hC9oQ1b8gJm2wq7QmJ6owCgYIKoZIzj0EAwIw',
  '-----END CERTIFICATE-----',
].join('\n');

const dir = mkdtempSync(path.join(tmpdir(), 'sipwarden-ami-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reading = (text: string) => () => Buffer.from(text);
const failingWith = (code: string) => () => {
  throw Object.assign(new Error(`${code}: failed`), { code });
};

describe('readCaFile', () => {
  it('names the file and says plainly why it cannot be read', () => {
    expect(readCaFile('/etc/x/ca.pem', failingWith('ENOENT'))).toEqual({ ok: false, error: 'cannot read the CA file /etc/x/ca.pem (asterisk.ami.ca): no such file' });
    expect(readCaFile('/etc/x/ca.pem', failingWith('EACCES'))).toEqual({ ok: false, error: 'cannot read the CA file /etc/x/ca.pem (asterisk.ami.ca): permission denied' });
    expect(readCaFile(dir)).toEqual({ ok: false, error: `cannot read the CA file ${dir} (asterisk.ami.ca): it is a directory` });
  });

  it('keeps the certificates of a file and leaves out anything else, such as a private key beside them', () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=test-ca', '-keyout', 'ca.key', '-out', 'ca.pem'], { cwd: dir, stdio: 'pipe', timeout: 15_000 });
    const cert = readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    const both = path.join(dir, 'key-and-cert.pem');
    writeFileSync(both, `${readFileSync(path.join(dir, 'ca.key'), 'utf8')}${cert}${cert}`);
    const read = readCaFile(both);
    expect(read).toEqual({ ok: true, pem: `${cert.trim()}\n${cert.trim()}\n`, certificates: 2 });
    expect(JSON.stringify(read)).not.toContain('PRIVATE KEY');
  });

  it('refuses a file with no certificate, e.g. a private key', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const text of [key, '', 'not a certificate\n']) {
      expect(readCaFile('/etc/x/ca.pem', reading(text))).toEqual({
        ok: false, error: 'the CA file /etc/x/ca.pem (asterisk.ami.ca) holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)',
      });
    }
  });

  it('refuses a certificate block that does not parse, saying which one', () => {
    expect(readCaFile('/etc/x/ca.pem', reading(BROKEN_CERT))).toEqual({
      ok: false, error: 'certificate 1 of 1 in the CA file /etc/x/ca.pem (asterisk.ami.ca) is not a valid certificate',
    });
  });
});

describe('describeTlsError', () => {
  const err = (code: string, message: string, extra: object = {}) => Object.assign(new Error(message), { code }, extra);
  const ctx = { host: 'pbx.example.com', port: 5038, caFile: undefined };

  it('is undefined for what is not a TLS failure', () => {
    expect(describeTlsError(err('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5039'), ctx)).toBeUndefined();
    expect(describeTlsError(new Error('no code'), ctx)).toBeUndefined();
    expect(describeTlsError('a string', ctx)).toBeUndefined();
  });

  it('says what to renew or check for an expired or not yet valid certificate', () => {
    expect(describeTlsError(err('CERT_HAS_EXPIRED', 'certificate has expired'), ctx))
      .toBe("TLS: the manager's certificate has expired (certificate has expired) — renew it on the PBX");
    expect(describeTlsError(err('CERT_NOT_YET_VALID', 'certificate is not yet valid'), ctx))
      .toBe("TLS: the manager's certificate is not valid yet (certificate is not yet valid) — check the clocks of the PBX and this host");
  });

  it('names the CA file when the chain does not end at it', () => {
    expect(describeTlsError(err('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), { ...ctx, caFile: '/etc/sipwarden/pbx-ca.pem' }))
      .toBe('TLS: certificate signed by an unknown authority (self-signed certificate in certificate chain) — '
        + "it does not chain to a CA in /etc/sipwarden/pbx-ca.pem (asterisk.ami.ca): is that the PBX's CA file?");
  });

  it('keeps any other certificate or handshake failure as a TLS failure, with OpenSSL\'s words', () => {
    expect(describeTlsError(err('CERT_SIGNATURE_FAILURE', 'certificate signature failure'), ctx)).toBe('TLS: certificate refused (certificate signature failure)');
    expect(describeTlsError(err('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'long openssl text', { reason: 'sslv3 alert handshake failure' }), ctx))
      .toBe('TLS handshake failed (sslv3 alert handshake failure)');
  });
});
