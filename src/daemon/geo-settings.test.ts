/**
 * The daemon's side of the country policy editor: the config every later re-reading
 * starts from (the PBX's accounts re-read, a roaming change on the settings page) sees
 * the policy the dashboard put in force, not the file's of the start; and without a
 * config file a change is refused, nothing put in force.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/index.js';
import type { GeoConfig } from '../config/geo.js';
import { SipwardenError } from '../domain/index.js';
import { GeoSettingsControl, geoPolicyInput, withLiveGeo } from './geo-settings.js';
import { ruleInput } from './inputs.js';
import { fileSettings, withSettings } from './web.js';

describe('the country policy in force', () => {
  it('is what every later reading of the config sees', () => {
    const start = defaultConfig({ fileExists: () => false });
    let inForce: GeoConfig = start.geo;
    const config = withLiveGeo(start, () => inForce);
    expect(ruleInput(withSettings(config, fileSettings(start))).geo).toMatchObject({ deny: [], allow: {} });
    inForce = { ...start.geo, deny: ['KP'], allow: { dashboard: ['DE'] } };
    // As pbx.ts re-reads the accounts and web.ts applies a roaming change: withSettings over the config, then ruleInput.
    expect(ruleInput(withSettings(config, fileSettings(start))).geo).toEqual(geoPolicyInput(inForce));
    expect(ruleInput(withSettings(config, fileSettings(start))).geo).toMatchObject({ deny: ['KP'], allow: { dashboard: ['DE'] } });
    expect(geoPolicyInput({ ...inForce, enabled: false })).toBeUndefined();
  });

  it('is not changed without a config file to save it in', () => {
    const applied: GeoConfig[] = [];
    const c = new GeoSettingsControl(defaultConfig({ fileExists: () => false }).geo, { file: undefined, database: null, log: { warn: () => undefined }, apply: (g) => applied.push(g) });
    let err: unknown;
    try {
      c.set({ deny: ['KP'], allow: {} }, 'web:admin@127.0.0.1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SipwardenError);
    expect(err).toMatchObject({ code: 'CONFIG_UNWRITABLE', message: expect.stringContaining('nothing was changed') });
    expect(applied).toEqual([]);
    expect(c.current().deny).toEqual([]);
  });
});
