// Starts a render worker. Worker threads do not inherit the tsx loader the server runs under,
// so a TypeScript entry registers it first; a compiled (.js) entry is imported directly.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
