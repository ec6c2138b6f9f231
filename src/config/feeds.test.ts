/** The `feeds:` list and `feeds_export:`: off by default, one clear line per mistake, the key never echoed. */
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfigText, renderDefaultConfig } from './index.js';

const opts = { fileExists: () => false };
const load = (yaml: string) => parseConfigText(yaml, 'test.yaml', opts);
const problem = (yaml: string) => {
  try {
    load(yaml);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('feeds', () => {
  it('are none by default, with no export token; the rendered file says so and loads back unchanged', () => {
    expect(defaultConfig(opts).feeds).toEqual([]);
    expect(defaultConfig(opts).feedsExport).toEqual({ token: null });
    const text = renderDefaultConfig();
    expect(text).toContain('\nfeeds: []\n');
    const back = parseConfigText(text, 'rendered', opts);
    expect([back.feeds, back.feedsExport]).toEqual([[], { token: null }]);
  });

  it('normalise an APIBAN feed and a list, with every, ban and enabled defaulted', () => {
    const c = load([
      'feeds:',
      '  - { name: apiban, type: apiban, key_file: /etc/sipwarden/apiban.key }',
      '  - { name: drop, type: list, url: "https://www.spamhaus.org/drop/drop.txt", every: 12h, ban: permanent, enabled: false }',
      '  - { name: mine, type: list, file: /etc/sipwarden/block.txt }',
    ].join('\n'));
    expect(c.feeds).toEqual([
      { name: 'apiban', type: 'apiban', url: 'https://apiban.org/api/', file: null, key: { from: 'file', path: '/etc/sipwarden/apiban.key' }, every: 3_600_000, ban: 7 * 86_400_000, enabled: true },
      { name: 'drop', type: 'list', url: 'https://www.spamhaus.org/drop/drop.txt', file: null, key: null, every: 12 * 3_600_000, ban: null, enabled: false },
      { name: 'mine', type: 'list', url: null, file: '/etc/sipwarden/block.txt', key: null, every: 3_600_000, ban: 7 * 86_400_000, enabled: true },
    ]);
  });

  it('refuse mistakes with one line naming the key', () => {
    expect(problem('feeds: [{ name: a, type: apiban }]')).toMatch(/feeds\[0\]\.key: .*needs its key: key, key_env/);
    expect(problem('feeds: [{ name: a, type: apiban, key: x, key_env: K }]')).toMatch(/feeds\[0\]\.key_env: give the key in one place/);
    expect(problem('feeds: [{ name: a, type: list }]')).toMatch(/feeds\[0\]\.url: a list feed needs one source: url or file/);
    expect(problem('feeds: [{ name: a, type: list, url: "ftp://x/y" }]')).toMatch(/feeds\[0\]\.url: expected an http:\/\/ or https:\/\/ URL/);
    expect(problem('feeds: [{ name: "a b", type: list, file: /x }]')).toMatch(/feeds\[0\]\.name: expected a feed name/);
    expect(problem('feeds: [{ name: a, type: list, file: /x, every: 10s }]')).toMatch(/feeds\[0\]\.every: expected at least 1m/);
    expect(problem('feeds: [{ name: a, type: list, file: /x }, { name: a, type: list, file: /y }]')).toMatch(/feeds\[1\]\.name: .*both named a/);
    expect(problem('feeds: [{ name: a, type: rss, file: /x }]')).toMatch(/feeds\[0\]\.type: expected one of apiban, list/);
    expect(problem('feeds_export: { token: short }')).toMatch(/feeds_export\.token: expected a token of 24 to 256/);
  });

  it('take an export token', () => {
    expect(load('feeds_export: { token: 0123456789abcdef0123456789abcdef }').feedsExport).toEqual({ token: '0123456789abcdef0123456789abcdef' });
  });
});
