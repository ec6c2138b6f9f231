#!/usr/bin/env node
/**
 * Runs the PBX simulator (build/sim, built by scripts/setup) as a process — inside a network namespace, via
 * `ip netns exec` — and answers questions about it on stdin, for the namespace tests,
 * the benchmarks and the demo. Plain ESM (no build step): it runs where vitest cannot.
 *
 *   node test/support/sim-host.mjs '<PbxOptions as JSON>'
 *
 * stdout: one JSON line `{"ready":true,"sip":[…],"ami":PORT}` once every listener is
 * bound; then, for each `stats` line on stdin, one line `{"stats":{…}}` with
 * sipMessages, bySource (address → SIP messages received), sipResults,
 * securityEvents, calls (with a trunk: started, refused by the suspension check, hung up
 * over the AMI, live, answered and talk seconds per account) and suspended (the AstDB's
 * sipwarden/suspended keys). stdin closing, SIGTERM or SIGINT stop it; so does a hard limit
 * of `maxSeconds` (default 600) in the options.
 */
import readline from 'node:readline';
import { startPbx } from '../../build/sim/index.js';

const opts = JSON.parse(process.argv[2] ?? '{}');
const pbx = await startPbx(opts);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void pbx.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(stop, (opts.maxSeconds ?? 600) * 1000).unref();

const say = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
say({ ready: true, sip: pbx.sipListeners, ami: pbx.amiPort });

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (cmd) => {
  if (cmd.trim() !== 'stats') return say({ error: `unknown command '${cmd.trim()}'` });
  const s = pbx.stats;
  say({
    stats: {
      sipMessages: s.sipMessages, bySource: Object.fromEntries(s.bySource), sipResults: s.sipResults,
      securityEvents: s.securityEvents,
      calls: pbx.calls && {
        started: pbx.calls.started, refused: pbx.calls.refused, hungUpByAmi: pbx.calls.hungUpByAmi, live: pbx.liveCalls(),
        answered: Object.fromEntries(pbx.calls.answered), talk: Object.fromEntries(pbx.calls.talk),
      },
      suspended: Object.fromEntries(pbx.db.entries('sipwarden/suspended')),
    },
  });
});
rl.on('close', stop);
