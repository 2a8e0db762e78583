// Memory of this process after a full GC (run with --expose-gc), for the footprint section.
import { setTimeout as sleep } from 'node:timers/promises';

export async function memoryReport() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(50);
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { type: 'memory', rss, heapUsed, external, arrayBuffers };
}
