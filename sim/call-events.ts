/**
 * Asterisk 20's AMI call events (`call`, `cdr` and `dialplan` classes) as the simulator
 * emits them, byte for byte in the shapes of ../shared/fixtures/asterisk-20-calls: a
 * channel's snapshot headers in manager.c's order, then the event's own. Pure: every
 * value comes in (a channel's state, the time, the bridge's id).
 */

/** A channel as its events show it. Mutable: the call model changes it as the call goes. */
export interface ChannelSnap {
  readonly name: string;
  /** 0 Down, 4 Ring, 5 Ringing, 6 Up. */
  state: 0 | 4 | 5 | 6;
  callerNum: string;
  connectedNum: string;
  readonly context: string;
  exten: string;
  priority: number;
  readonly uniqueid: string;
  readonly linkedid: string;
}

/** An AMI event class the simulator's sessions filter on. */
export type EventClass = 'call' | 'cdr' | 'dialplan';

/** One event: its class (for the sessions' filters) and its frame text, blank line included. */
export interface CallFrame {
  readonly cls: EventClass;
  readonly text: string;
}

const STATE_DESC: Readonly<Record<ChannelSnap['state'], string>> = { 0: 'Down', 4: 'Ring', 5: 'Ringing', 6: 'Up' };
const UNKNOWN = '<unknown>';

type Fields = ReadonlyArray<readonly [string, string]>;

/** A channel's snapshot headers (`Dest` prefixed for the other end of a dial). */
export function snapFields(c: ChannelSnap, prefix = ''): Array<readonly [string, string]> {
  return [
    [`${prefix}Channel`, c.name], [`${prefix}ChannelState`, String(c.state)], [`${prefix}ChannelStateDesc`, STATE_DESC[c.state]],
    [`${prefix}CallerIDNum`, c.callerNum], [`${prefix}CallerIDName`, UNKNOWN], [`${prefix}ConnectedLineNum`, c.connectedNum],
    [`${prefix}ConnectedLineName`, UNKNOWN], [`${prefix}Language`, 'en'], [`${prefix}AccountCode`, ''], [`${prefix}Context`, c.context],
    [`${prefix}Exten`, c.exten], [`${prefix}Priority`, String(c.priority)], [`${prefix}Uniqueid`, c.uniqueid], [`${prefix}Linkedid`, c.linkedid],
  ];
}

function frame(cls: EventClass, event: string, fields: Fields): CallFrame {
  let text = `Event: ${event}\r\nPrivilege: ${cls},all\r\n`;
  for (const [k, v] of fields) text += `${k}: ${v}\r\n`;
  return { cls, text: `${text}\r\n` };
}

const chan = (cls: EventClass, event: string) => (c: ChannelSnap, ...extra: Fields): CallFrame => frame(cls, event, [...snapFields(c), ...extra]);

export const newchannel = chan('call', 'Newchannel');
export const newCallerid = (c: ChannelSnap): CallFrame => chan('call', 'NewCallerid')(c, ['CID-CallingPres', '0 (Presentation Allowed, Not Screened)']);
export const newConnectedLine = chan('call', 'NewConnectedLine');
export const newstate = chan('call', 'Newstate');

/** `VarSet` of a channel variable (dialplan class: 63 % of a PBX's AMI stream). */
export function varSet(c: ChannelSnap, variable: string, value: string): CallFrame {
  return chan('dialplan', 'VarSet')(c, ['Variable', variable], ['Value', value]);
}

/** `Newexten`: the dial plan runs `app(data)` on the channel. */
export function newexten(c: ChannelSnap, app: string, data: string): CallFrame {
  return chan('dialplan', 'Newexten')(c, ['Extension', c.exten], ['Application', app], ['AppData', data]);
}

export function dialBegin(caller: ChannelSnap, dest: ChannelSnap, dialString: string): CallFrame {
  return frame('call', 'DialBegin', [...snapFields(caller), ...snapFields(dest, 'Dest'), ['DialString', dialString]]);
}

/** `DialState` (RINGING, PROGRESS…) or `DialEnd` (ANSWER, BUSY, NOANSWER, CANCEL). */
export function dialStatus(event: 'DialState' | 'DialEnd', caller: ChannelSnap, dest: ChannelSnap, status: string): CallFrame {
  return frame('call', event, [...snapFields(caller), ...snapFields(dest, 'Dest'), ['DialStatus', status]]);
}

export function deviceStateChange(device: string, state: string): CallFrame {
  return frame('call', 'DeviceStateChange', [['Device', device], ['State', state]]);
}

/** A bridge as its events show it. */
export interface BridgeSnap {
  readonly id: string;
  technology: 'simple_bridge' | 'native_rtp';
  channels: number;
}

function bridgeFields(b: BridgeSnap): Fields {
  return [
    ['BridgeUniqueid', b.id], ['BridgeType', 'basic'], ['BridgeTechnology', b.technology], ['BridgeCreator', UNKNOWN],
    ['BridgeName', UNKNOWN], ['BridgeNumChannels', String(b.channels)], ['BridgeVideoSourceMode', 'none'],
  ];
}

export function bridgeEvent(event: 'BridgeCreate' | 'BridgeDestroy', b: BridgeSnap): CallFrame {
  return frame('call', event, bridgeFields(b));
}

export function bridgeChannel(event: 'BridgeEnter' | 'BridgeLeave', b: BridgeSnap, c: ChannelSnap): CallFrame {
  return frame('call', event, [...bridgeFields(b), ...snapFields(c)]);
}

/** `HangupRequest` (the far end hung up) or `SoftHangupRequest` (Asterisk asked: the dial plan, an AMI Hangup). */
export function hangupRequest(event: 'HangupRequest' | 'SoftHangupRequest', c: ChannelSnap, cause: number, techCause?: number): CallFrame {
  return chan('call', event)(c, ['Cause', String(cause)], ...(techCause !== undefined ? [['TechCause', String(techCause)] as const] : []));
}

/** Q.850 cause texts Asterisk prints (ast_cause2str). */
export const CAUSE_TEXT: Readonly<Record<number, string>> = { 0: 'Unknown', 16: 'Normal Clearing', 17: 'User busy', 19: 'No user responding', 21: 'Call Rejected' };

export function hangup(c: ChannelSnap, cause: number, techCause?: number): CallFrame {
  return chan('call', 'Hangup')(c, ['Cause', String(cause)], ['Cause-txt', CAUSE_TEXT[cause] ?? 'Unknown'],
    ...(techCause !== undefined ? [['TechCause', String(techCause)] as const] : []));
}

/** One call's detail record (cdr_manager), times as cdr.conf `usegmtime=yes` prints them. */
export interface CdrValues {
  readonly source: string;
  readonly destination: string;
  readonly context: string;
  readonly channel: string;
  readonly destChannel: string;
  readonly lastApp: string;
  readonly lastData: string;
  readonly start: number;
  readonly answer: number | null;
  readonly end: number;
  readonly disposition: 'ANSWERED' | 'BUSY' | 'NO ANSWER' | 'FAILED';
  readonly uniqueid: string;
}

/** `2026-11-24 18:58:09` (UTC). */
export function cdrTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function cdr(v: CdrValues): CallFrame {
  const secs = (from: number) => String(Math.max(0, Math.round((v.end - from) / 1000)));
  return frame('cdr', 'Cdr', [
    ['AccountCode', ''], ['Source', v.source], ['Destination', v.destination], ['DestinationContext', v.context],
    ['CallerID', `"" <${v.source}>`], ['Channel', v.channel], ['DestinationChannel', v.destChannel], ['LastApplication', v.lastApp],
    ['LastData', v.lastData], ['StartTime', cdrTime(v.start)], ['AnswerTime', v.answer === null ? '' : cdrTime(v.answer)],
    ['EndTime', cdrTime(v.end)], ['Duration', secs(v.start)], ['BillableSeconds', v.answer === null ? '0' : secs(v.answer)],
    ['Disposition', v.disposition], ['AMAFlags', 'DOCUMENTATION'], ['UniqueID', v.uniqueid], ['UserField', ''],
  ]);
}

/** The RTP statistics variables Asterisk sets when a bridged channel leaves (no media flowed: zeros). */
export function rtpQos(ssrc: number): ReadonlyArray<readonly [string, string]> {
  const z = '000.000000';
  const stat = (pad: string, name: string, dirs: readonly string[]) => dirs.map((dir) => ['min', 'max', 'avg', 'stdev'].map((k) => `${pad}${k}${dir}${name}=${z};`).join('')).join('');
  return [
    ['RTPAUDIOQOS', `ssrc=${ssrc};themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=0;rlp=0;rtt=0.000000;rxmes=0.000000;txmes=0.000000`],
    ['RTPAUDIOQOSJITTER', stat('', 'jitter', ['rx', 'tx'])],
    ['RTPAUDIOQOSLOSS', stat('  ', 'lost', ['rx', 'tx'])],
    ['RTPAUDIOQOSRTT', stat('     ', 'rtt', [''])],
    ['RTPAUDIOQOSMES', stat('   ', 'mes', ['rx', 'tx'])],
  ];
}
