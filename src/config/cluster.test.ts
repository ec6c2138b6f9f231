/** The `cluster:` section: off by default, Redis by URL or by host/port/db, and one clear line per mistake. */
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfigText, renderDefaultConfig } from './index.js';

const opts = { fileExists: () => false };
const load = (yaml: string) => parseConfigText(yaml, 'test.yaml', opts).cluster;
const problem = (yaml: string) => {
  try {
    load(yaml);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('cluster defaults', () => {
  it('are off, on the local Redis, shared counting, group sipwarden', () => {
    expect(defaultConfig(opts).cluster).toEqual({
      enabled: false,
      redis: { host: '127.0.0.1', port: 6379, path: null, db: 0, user: null, password: null, tls: false, ca: null },
      name: null, group: 'sipwarden', count: 'shared', keep: { failures: 200_000, bans: 100_000 },
    });
  });
  it('are written, commented, in the file init renders, and load back unchanged', () => {
    const text = renderDefaultConfig();
    expect(text).toContain('\ncluster:\n  # true: publish');
    expect(parseConfigText(text, 'rendered', opts).cluster).toEqual(defaultConfig(opts).cluster);
  });
});

describe('cluster: where Redis is', () => {
  it('takes a redis:// URL with user, password and database', () => {
    expect(load('cluster: { enabled: true, redis: "redis://pbx:s%40cret@10.0.0.5:6380/2", name: pbx-1 }')).toMatchObject({
      enabled: true, name: 'pbx-1', redis: { host: '10.0.0.5', port: 6380, db: 2, user: 'pbx', password: 's@cret', tls: false, path: null },
    });
  });
  it('takes rediss:// as TLS, with a CA file and the password apart from the URL', () => {
    expect(load('cluster: { redis: "rediss://redis.example.net", password: pw, ca: /etc/ssl/redis-ca.pem }').redis).toEqual({
      host: 'redis.example.net', port: 6379, path: null, db: 0, user: null, password: 'pw', tls: true, ca: '/etc/ssl/redis-ca.pem',
    });
  });
  it('takes a unix socket', () => {
    expect(load('cluster: { redis: "unix:///run/redis/redis.sock?db=3" }').redis).toMatchObject({ path: '/run/redis/redis.sock', db: 3 });
  });
  it('takes host, port and db instead of a URL', () => {
    expect(load('cluster: { host: 10.1.1.1, port: 6390, db: 1, tls: true }').redis).toMatchObject({ host: '10.1.1.1', port: 6390, db: 1, tls: true });
  });
  it('refuses a URL and host together, a CA without TLS, odd URLs, names and groups', () => {
    expect(problem('cluster: { redis: "redis://a", host: b }')).toContain('cluster.host: host is set and so is redis (a URL): give one of them');
    expect(problem('cluster: { redis: "redis://u:p@a", password: q }')).toContain('holds a password already');
    expect(problem('cluster: { ca: /ca.pem }')).toContain('cluster.ca: ca is set but TLS is off');
    expect(problem('cluster: { redis: "http://a" }')).toContain('expected a Redis URL');
    expect(problem('cluster: { redis: "redis://a/99" }')).toContain('database 0..15');
    expect(problem('cluster: { name: "pbx 1;DEL x" }')).toContain('expected a node name');
    expect(problem('cluster: { group: "{a}" }')).toContain('expected a group name');
    expect(problem('cluster: { count: global }')).toContain('expected one of shared, local');
    expect(problem('cluster: { keep_bans: 10 }')).toContain('expected a number of stream entries, from 1000');
    expect(problem('cluster: { enable: true }')).toContain("unknown key 'enable' (did you mean 'enabled'?)");
  });
});
