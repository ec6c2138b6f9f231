/**
 * Destinations: numbers as dialled → E.164, country, international, high-risk entry;
 * the high-risk lookup by longest prefix; which dials leave through a trunk.
 */
import { describe, expect, it } from 'vitest';
import { compileDestinations } from './destinations.js';
import { compileHighRisk, DEFAULT_HIGH_RISK, PREFIX } from './high-risk.js';
import { compileTrunkTest, dialStringOfCdr, numberSentTo } from './trunk.js';

const risk = compileHighRisk(DEFAULT_HIGH_RISK, []);
const us = compileDestinations({ homeCountry: 'US', internationalPrefixes: ['011'] }, risk);
const de = compileDestinations({ homeCountry: 'DE', internationalPrefixes: ['00'] }, risk);
const none = compileDestinations({ homeCountry: null, internationalPrefixes: ['00', '011'] }, risk);

describe('normalising dialled numbers', () => {
  it('reads the international prefix, a +, or the home country\'s national format', () => {
    expect(us('011442079460123')).toEqual({ dialled: '011442079460123', e164: '+442079460123', country: 'GB', international: true, highRisk: null });
    expect(us('+4930901820')).toMatchObject({ e164: '+4930901820', country: 'DE', international: true });
    expect(us('5551234567')).toMatchObject({ e164: '+15551234567', country: 'US', international: false });
    expect(us('12125551234')).toMatchObject({ e164: '+12125551234', country: 'US', international: false });
    expect(de('030901820')).toMatchObject({ e164: '+4930901820', country: 'DE', international: false });
    expect(de('0044207946012')).toMatchObject({ e164: '+44207946012', country: 'GB', international: true });
  });

  it('finds the country of a number dialled as national but abroad (NANP: Jamaica, Antigua)', () => {
    expect(us('8762345678')).toMatchObject({ e164: '+18762345678', country: 'JM', international: true, highRisk: null });
    expect(us('2684601234')).toMatchObject({ country: 'AG', international: true, highRisk: { prefix: '+1268' } });
  });

  it('gives satellite and International Networks the non-geographic country 001, always international', () => {
    expect(none('0118823456789')).toMatchObject({ e164: '+8823456789', country: '001', international: true, highRisk: { prefix: '+882' } });
    expect(us('0118816312345678')).toMatchObject({ country: '001', international: true, highRisk: { prefix: '+881' } });
  });

  it('without a home country, leaves national numbers as they are, not international', () => {
    expect(none('5551234567')).toEqual({ dialled: '5551234567', e164: null, country: null, international: false, highRisk: null });
  });

  it('refuses what is not a number (feature codes, letters, an empty string)', () => {
    for (const d of ['*97', 'abc', '', '0044 20', '+']) expect(us(d), d).toMatchObject({ e164: null, international: false, highRisk: null });
  });

  it('reads the phase B numbers of asterisk-20-calls as the README says: +882/+881 networks, Somalia, São Tomé, DR Congo, Cuba', () => {
    const burst = ['0118823456789', '00881612345678', '01188101234567', '0112521234567', '011882167890123', '00882345678901', '011252612345678', '0088163123456',
      '01188213000111', '0112399912345', '01124321234567', '00252907123456', '0118816312345678', '0115351234567', '011882990001234'];
    expect(burst.map((n) => none(n).country)).toEqual(['001', '001', '001', 'SO', '001', '001', 'SO', '001', '001', 'ST', 'CD', 'SO', '001', 'CU', '001']);
    expect(burst.every((n) => none(n).highRisk !== null)).toBe(true);
    expect(['011442079460123', '0114930901820'].map((n) => none(n).highRisk)).toEqual([null, null]);
  });
});

describe('what libphonenumber taught about leading digits', () => {
  it('gives the same answer as a fresh parse, for numbers sharing leading digits with ones seen before', () => {
    const numbers = [
      '2125551234', '2125559876', '12125551234', '12125550000', '8762345678', '8762349999', '2684601234', '2684609999', '4165550123', '4165550199',
      '011442079460123', '011442079469999', '0114930901820', '0114930901899', '011447911123456', '011447911123499', '0118823456789', '0118823456000',
    ];
    const shared = compileDestinations({ homeCountry: 'US', internationalPrefixes: ['011'] }, risk);
    for (const n of numbers) {
      const fresh = compileDestinations({ homeCountry: 'US', internationalPrefixes: ['011'] }, risk);
      expect(shared(n), n).toEqual(fresh(n));
    }
    const sharedDe = compileDestinations({ homeCountry: 'DE', internationalPrefixes: ['00'] }, risk);
    for (const n of ['030901820', '030901899', '015112345678', '015112345699', '0044207946012', '0044207946099']) {
      expect(sharedDe(n), n).toEqual(compileDestinations({ homeCountry: 'DE', internationalPrefixes: ['00'] }, risk)(n));
    }
  });
});

describe('the high-risk list', () => {
  it('holds only well-formed, distinct prefixes', () => {
    expect(DEFAULT_HIGH_RISK.every((p) => PREFIX.test(p.prefix) && p.what.length > 0)).toBe(true);
    expect(new Set(DEFAULT_HIGH_RISK.map((p) => p.prefix)).size).toBe(DEFAULT_HIGH_RISK.length);
  });

  it('matches the longest listed prefix, and exemptions win over a shorter listed prefix', () => {
    const lookup = compileHighRisk([{ prefix: '+1', what: 'all NANP' }, { prefix: '+1268', what: 'Antigua' }], ['+1876']);
    expect(lookup('+12684601234')?.what).toBe('Antigua');
    expect(lookup('+12125551234')?.what).toBe('all NANP');
    expect(lookup('+18762345678')).toBeNull();
    expect(compileHighRisk(DEFAULT_HIGH_RISK, ['+88'])('+8823456789')).toBeNull();
  });
});

describe('leaving through a trunk', () => {
  it('knows the number a dial string sends to an endpoint other than itself', () => {
    expect(numberSentTo('0118823456789@itsp', 'itsp')).toBe('0118823456789');
    expect(numberSentTo('itsp/0118823456789', 'itsp')).toBe('0118823456789');
    expect(numberSentTo('itsp/sip:0118823456789@203.0.113.1:5060', 'itsp')).toBe('0118823456789');
    expect(numberSentTo('5551234567@itsp,30', 'itsp')).toBe('5551234567');
    expect(numberSentTo('101', '101')).toBeNull();
    expect(numberSentTo('101/sip:101@192.0.2.7:5060', '101')).toBeNull();
    expect(numberSentTo('101@101', '101')).toBeNull();
    expect(numberSentTo('0118823456789@itsp', 'other')).toBeNull();
  });

  it('tells from the class, the trunk contexts, the outbound contexts or the dial string', () => {
    const classify = (a: string) => ({ cls: a === 'carrier' ? 'trunk' as const : 'unknown' as const, why: '' });
    const leaves = compileTrunkTest(classify, ['from-pstn'], ['outrt-1']);
    const base = { context: 'from-internal', destAccount: '101', destContext: 'from-internal', dialString: '101' };
    expect(leaves(base)).toBe(false);
    expect(leaves({ ...base, destAccount: 'carrier' })).toBe(true);
    expect(leaves({ ...base, destContext: 'from-pstn' })).toBe(true);
    expect(leaves({ ...base, context: 'outrt-1' })).toBe(true);
    expect(leaves({ ...base, destAccount: 'itsp', dialString: '5551234567@itsp' })).toBe(true);
    expect(leaves({ ...base, destAccount: null, dialString: '' })).toBe(false);
  });

  it('reads a CDR\'s Dial argument as a dial string', () => {
    expect(dialStringOfCdr('Dial', 'PJSIP/0118823456789@itsp,30')).toBe('0118823456789@itsp');
    expect(dialStringOfCdr('Dial', 'SIP/itsp/0044207946&SIP/backup/0044207946,60')).toBe('itsp/0044207946');
    expect(dialStringOfCdr('Queue', 'sales')).toBe('');
  });
});
