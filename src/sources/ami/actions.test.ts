/**
 * The AMI client's action API against a real TCP manager on 127.0.0.1 (the AMI test
 * kit): answers matched by ActionID whatever comes in between, list actions, refusals,
 * timeouts and the connection's end — while events keep reaching `onFrame` in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AmiActionError } from './actions.js';
import { AmiClient } from './client.js';
import { MemoryLog, TestAmiServer, waitFor } from '../../../test/support/kits/ami.js';

const USER = 'sipwarden';
const SECRET = 'W4rdenAMI-secret';
const servers: TestAmiServer[] = [];
const clients: AmiClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const event = (name: string, ...lines: string[]) => `Event: ${name}\r\nPrivilege: call,all\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`;

async function connected(): Promise<{ srv: TestAmiServer; c: AmiClient; got: string[] }> {
  const srv = new TestAmiServer({ username: USER, secret: SECRET });
  servers.push(srv);
  const port = await srv.listen();
  const got: string[] = [];
  const c = new AmiClient({
    host: '127.0.0.1', port, username: USER, secret: SECRET, tls: false, log: new MemoryLog(),
    backoff: { initialMs: 50, maxMs: 100, jitter: 0 }, onFrame: (f) => got.push(f),
  });
  clients.push(c);
  c.start();
  await waitFor(() => c.connected, 'logged in');
  return { srv, c, got };
}

describe('AmiClient.action', () => {
  it('matches each answer to its action by ActionID, out of order, with events in between still reaching onFrame in order', async () => {
    const { srv, c, got } = await connected();
    const held: Array<{ id: string; channel: string }> = [];
    srv.answer = (a, id) => {
      held.push({ id, channel: a.get('channel') ?? '' });
      if (held.length < 2) return '';
      // Both answers at once, the second action's first, with events around them.
      const [first, second] = held as [{ id: string; channel: string }, { id: string; channel: string }];
      return event('Newchannel', 'Channel: PJSIP/101-00000001')
        + `Response: Error\r\nActionID: ${second.id}\r\nMessage: No such channel\r\n\r\n`
        + event('DialBegin', 'Channel: PJSIP/101-00000001')
        + `Response: Success\r\nActionID: ${first.id}\r\nMessage: Channel Hungup\r\n\r\n`
        + event('Hangup', 'Channel: PJSIP/101-00000001');
    };
    const a = c.action('Hangup', [['Channel', 'PJSIP/100-0000000e'], ['Cause', '21']]);
    const b = c.action('Hangup', [['Channel', 'PJSIP/100-gone'], ['Cause', '21']]);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toMatchObject({ ok: true, response: 'Success', message: 'Channel Hungup', events: [] });
    expect(rb).toMatchObject({ ok: false, response: 'Error', message: 'No such channel' });
    expect(held.map((h) => h.channel)).toEqual(['PJSIP/100-0000000e', 'PJSIP/100-gone']);
    await waitFor(() => got.length === 3, 'the three events');
    expect(got.map((f) => f.split('\r\n', 1)[0])).toEqual(['Event: Newchannel', 'Event: DialBegin', 'Event: Hangup']);
    const wire = srv.received.join('');
    expect(wire).toContain('Action: Hangup\r\nActionID: sipwarden-');
    expect(wire).toContain('\r\nChannel: PJSIP/100-0000000e\r\nCause: 21\r\n\r\n');
  });

  it('collects a list action\'s events (EventList start … Complete) away from onFrame', async () => {
    const { srv, c, got } = await connected();
    srv.answer = (a, id) => {
      if (a.get('action') !== 'PJSIPShowContacts') return null;
      return `Response: Success\r\nActionID: ${id}\r\nEventList: start\r\nMessage: A listing of Contacts follows, presented as ContactList events\r\n\r\n`
        + event('VarSet', 'Variable: X')
        + `Event: ContactList\r\nActionID: ${id}\r\nObjectType: contact\r\nObjectName: 100;@abc\r\nEndpoint: 100\r\nUri: sip:100@10.77.0.2:5062\r\n\r\n`
        + `Event: ContactList\r\nActionID: ${id}\r\nObjectType: contact\r\nObjectName: 101;@def\r\nEndpoint: 101\r\nUri: sip:101@10.77.0.1:5061\r\n\r\n`
        + `Event: ContactListComplete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 2\r\n\r\n`;
    };
    const r = await c.action('PJSIPShowContacts', [], { list: true });
    expect(r.ok).toBe(true);
    expect(r.events.map((e) => [e.get('event'), e.get('objectname'), e.get('uri')])).toEqual([
      ['ContactList', '100;@abc', 'sip:100@10.77.0.2:5062'], ['ContactList', '101;@def', 'sip:101@10.77.0.1:5061'],
    ]);
    await waitFor(() => got.length === 1, 'the VarSet');
    expect(got[0]).toMatch(/^Event: VarSet\r\n/);
  });

  it('a refused list action (Response: Error, no list) resolves at once', async () => {
    const { srv, c } = await connected();
    srv.answer = (_a, id) => `Response: Error\r\nActionID: ${id}\r\nMessage: Database entry not found\r\n\r\n`;
    const r = await c.action('DBGet', [['Family', 'sipwarden/suspended'], ['Key', '100']], { list: true });
    expect(r).toMatchObject({ ok: false, message: 'Database entry not found', events: [] });
  });

  it('times out without an answer, and ignores the answer that comes too late', async () => {
    const { srv, c } = await connected();
    let lateId = '';
    srv.answer = (_a, id) => {
      lateId = id;
      return '';
    };
    const err = await c.action('DBPut', [['Family', 'sipwarden/suspended'], ['Key', '100'], ['Val', 'x']], { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmiActionError);
    expect((err as AmiActionError).reason).toBe('timeout');
    srv.send(`Response: Success\r\nActionID: ${lateId}\r\nMessage: Updated database successfully\r\n\r\n`);
    // The client goes on: the next action is answered.
    srv.answer = (_a, id) => `Response: Success\r\nActionID: ${id}\r\nMessage: Updated database successfully\r\n\r\n`;
    await expect(c.action('DBPut', [['Family', 'f'], ['Key', 'k'], ['Val', 'v']])).resolves.toMatchObject({ ok: true });
  });

  it('refuses at once when not logged in, and fails waiting actions when the connection ends', async () => {
    const { srv, c } = await connected();
    srv.answer = () => '';
    const waiting = c.action('Getvar', [['Channel', 'PJSIP/100-0000000e'], ['Variable', 'CHANNEL(pjsip,remote_addr)']]).catch((e: unknown) => e);
    await waitFor(() => srv.received.join('').includes('Action: Getvar'), 'the Getvar on the wire');
    srv.dropConnections();
    expect(((await waiting) as AmiActionError).reason).toBe('disconnected');
    await waitFor(() => !c.connected, 'disconnected');
    const refused = await c.action('Hangup', [['Channel', 'x']]).catch((e: unknown) => e);
    expect((refused as AmiActionError).reason).toBe('not_connected');
    await waitFor(() => c.connected, 'reconnected');
    await c.stop();
    expect(((await c.action('Hangup', [['Channel', 'x']]).catch((e: unknown) => e)) as AmiActionError).reason).toBe('not_connected');
  });

  it('never writes a value with a line break (no second action smuggled in)', async () => {
    const { srv, c } = await connected();
    const before = srv.received.join('');
    const err = await c.action('Hangup', [['Channel', 'PJSIP/100\r\nAction: Originate']]).catch((e: unknown) => e);
    expect((err as AmiActionError).reason).toBe('unsafe');
    await new Promise((r) => setTimeout(r, 30));
    expect(srv.received.join('')).toBe(before);
  });
});
