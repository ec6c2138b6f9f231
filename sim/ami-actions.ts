/**
 * The manager actions the toll-fraud guard sends, answered as Asterisk 20's manager.c,
 * func_db.c and res_pjsip do: `Hangup`, `Getvar`, `DBPut`, `DBDel`, `DBGet` (a list: an
 * `EventList: start` response, `DBGetResponse`, `DBGetComplete`) and
 * `PJSIPShowContacts` (`ContactList` events, `ContactListComplete`). Each needs one of
 * its write classes (manager.c: any one of an action's classes will do); a user without
 * them gets `Permission denied`. Pure but for the state it is given.
 */
import { createHash } from 'node:crypto';
import { amiHeader, amiResponse, type AmiAction } from './ami-frame.js';
import type { AstDb } from './astdb.js';
import type { CallEngine } from './calls.js';

/** The write classes that allow each action (manager.c's registration flags). */
export const ACTION_CLASSES: Readonly<Record<string, readonly string[]>> = {
  hangup: ['system', 'call'],
  getvar: ['call', 'reporting'],
  dbput: ['system'],
  dbdel: ['system'],
  dbget: ['system', 'reporting'],
  pjsipshowcontacts: ['system'],
};

/** A registered contact, as the simulator's registrar keeps it. */
export interface SimContact {
  readonly account: string;
  readonly uri: string;
  readonly source: { readonly ip: string; readonly port: number };
  readonly expiresAt: number;
}

export interface ActionDeps {
  readonly db: AstDb;
  readonly calls: CallEngine | null;
  /** Every registered contact now. */
  readonly contacts: () => readonly SimContact[];
  /** Removes a contact (its `registrar/contact` key was deleted). */
  readonly removeContact: (id: string) => boolean;
}

/** res_pjsip's contact id: `<aor>;@<md5 of the URI>`. */
export function contactId(c: Pick<SimContact, 'account' | 'uri'>): string {
  return `${c.account};@${createHash('md5').update(c.uri).digest('hex')}`;
}

/**
 * Answers one action (`name` lower-case) for a user with write classes `write` (null:
 * every class); null when the action is none of these (the session answers "Invalid").
 */
export function answerAction(name: string, a: AmiAction, id: string, write: ReadonlySet<string> | null, d: ActionDeps): string | null {
  const classes = ACTION_CLASSES[name];
  if (!classes) return null;
  if (write !== null && !classes.some((c) => write.has(c))) return amiResponse('Error', id, [['Message', 'Permission denied']]);
  const h = (k: string) => amiHeader(a, k);
  switch (name) {
    case 'hangup': {
      const cause = /^\d{1,3}$/.test(h('Cause')) ? Number(h('Cause')) : 16;
      if (!h('Channel')) return amiResponse('Error', id, [['Message', 'No channel specified']]);
      return d.calls?.amiHangup(h('Channel'), cause) ? amiResponse('Success', id, [['Message', 'Channel Hungup']]) : amiResponse('Error', id, [['Message', 'No such channel']]);
    }
    case 'getvar': {
      if (!h('Variable')) return amiResponse('Error', id, [['Message', 'No variable specified']]);
      const value = h('Channel') ? d.calls?.getvar(h('Channel'), h('Variable')) ?? null : '';
      if (value === null) return amiResponse('Error', id, [['Message', 'No such channel']]);
      return amiResponse('Success', id, [['Variable', h('Variable')], ['Value', value]]);
    }
    case 'dbput': {
      if (!h('Family')) return amiResponse('Error', id, [['Message', 'No family specified']]);
      if (!h('Key')) return amiResponse('Error', id, [['Message', 'No key specified']]);
      return d.db.put(h('Family'), h('Key'), h('Val'))
        ? amiResponse('Success', id, [['Message', 'Updated database successfully']])
        : amiResponse('Error', id, [['Message', 'Failed to update entry']]);
    }
    case 'dbdel': {
      if (!h('Family')) return amiResponse('Error', id, [['Message', 'No family specified.']]);
      if (!h('Key')) return amiResponse('Error', id, [['Message', 'No key specified.']]);
      const gone = d.db.del(h('Family'), h('Key'));
      if (gone && h('Family') === 'registrar/contact') d.removeContact(h('Key'));
      return gone ? amiResponse('Success', id, [['Message', 'Key deleted successfully']]) : amiResponse('Error', id, [['Message', 'Database entry not found']]);
    }
    case 'dbget': {
      const val = d.db.get(h('Family'), h('Key'));
      if (val === undefined) return amiResponse('Error', id, [['Message', 'Database entry not found']]);
      return amiResponse('Success', id, [['EventList', 'start'], ['Message', 'Result will follow']])
        + `Event: DBGetResponse\r\nFamily: ${h('Family')}\r\nKey: ${h('Key')}\r\nVal: ${val}\r\nActionID: ${id}\r\n\r\n`
        + `Event: DBGetComplete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 1\r\n\r\n`;
    }
    default: {
      const contacts = d.contacts();
      let out = amiResponse('Success', id, [['EventList', 'start'], ['Message', 'A listing of Contacts follows, presented as ContactList events']]);
      for (const c of contacts) {
        out += `Event: ContactList\r\nActionID: ${id}\r\nObjectType: contact\r\nObjectName: ${contactId(c)}\r\nViaAddr: ${c.source.ip}\r\nViaPort: ${c.source.port}\r\n`
          + `QualifyTimeout: 3.000000\r\nCallId: \r\nRegServer: \r\nPruneOnBoot: false\r\nPath: \r\nEndpoint: ${c.account}\r\nAuthenticateQualify: false\r\n`
          + `Uri: ${c.uri}\r\nQualifyFrequency: 0\r\nUserAgent: \r\nExpirationTime: ${Math.floor(c.expiresAt / 1000)}\r\nOutboundProxy: \r\nStatus: Unknown\r\nRoundtripUsec: N/A\r\n\r\n`;
      }
      return `${out}Event: ContactListComplete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: ${contacts.length}\r\n\r\n`;
    }
  }
}
