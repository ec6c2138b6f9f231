import { describe, expect, it } from 'vitest';
import { closest, editDistance, isHostName, listenAddress } from './values.js';

describe('closest', () => {
  it('finds a key within edit distance 2, ignoring case and -/_', () => {
    expect(editDistance('protecton', 'protection')).toBe(1);
    expect(editDistance('trsuted', 'trusted')).toBe(1);
    expect(closest('protecton', ['protection', 'networks'])).toBe('protection');
    expect(closest('ban-internal', ['trusted', 'ban_internal'])).toBe('ban_internal');
    expect(closest('colour', ['protection', 'networks', 'policy'])).toBeUndefined();
  });
});

describe('isHostName', () => {
  it('accepts DNS names and refuses addresses and junk', () => {
    for (const ok of ['localhost', 'sip.example.com', 'sip.example.com.', 'a-b.c1']) expect(isHostName(ok), ok).toBe(true);
    for (const bad of ['', '10.0.0.300', 'bad host', '-a.com', 'a..b', 'x_y.com']) expect(isHostName(bad), bad).toBe(false);
  });
});

describe('listenAddress', () => {
  const parse = (v: unknown) => listenAddress.safeParse(v);
  it('parses host:port and [v6]:port', () => {
    expect(parse('127.0.0.1:8472').data).toEqual({ host: '127.0.0.1', port: 8472 });
    expect(parse('[::]:80').data).toEqual({ host: '::', port: 80 });
    expect(parse('localhost:3000').data).toEqual({ host: 'localhost', port: 3000 });
  });
  it('refuses what is not one', () => {
    for (const bad of ['127.0.0.1', '::1:80', '[1.2.3.4]:80', 'host:0', 'host:65536', '[::1]', 8472, null]) {
      expect(parse(bad).success, String(bad)).toBe(false);
    }
  });
});
