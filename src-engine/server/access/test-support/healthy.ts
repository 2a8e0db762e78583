import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { postJson } from '../../../test-support/http.js';
import { MessageCollector } from '../../../test-support/message-collector.js';

/**
 * The proof that a rejection hurt no one: a fresh session submits a normal demo task over REST
 * and watches it over a WebSocket until it completes.
 */
export async function expectServerHealthy(baseUrl: string, options: { headers?: Record<string, string>; wsOptions?: import('ws').ClientOptions } = {}): Promise<void> {
  const session = `healthy-${randomUUID()}`;
  const client = await MessageCollector.open(baseUrl, session, options.wsOptions);
  try {
    const started = await postJson(`${baseUrl}/api/task/start`, { name: 'Still healthy', duration: 1000, clientId: session }, options.headers);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const final = await client.waitForFinal(started.body.taskId as string);
    expect(final.data.status).toBe('Completed');
  } finally {
    await client.close();
  }
}
