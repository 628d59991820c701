/**
 * Preload for a V8 CPU profile of a process whose NODE_OPTIONS may not carry --cpu-prof (Node 20
 * refuses it there): `NODE_OPTIONS="--import /abs/bench/cpu-profile.mjs"` with CPU_PROFILE_FILE set.
 * Profiles the main thread from start to exit (process.exit included, e.g. after SIGTERM) and
 * writes the .cpuprofile (Chrome DevTools / speedscope format). Used by bench/cluster.ts.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.CPU_PROFILE_FILE;
if (file) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  // same-thread inspector sessions answer synchronously, so this still works in 'exit'
  process.once('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (!err && res?.profile) writeFileSync(file, JSON.stringify(res.profile));
    });
  });
}
