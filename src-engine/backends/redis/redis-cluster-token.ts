import type { Redis } from 'ioredis';
import { tokenProblem } from '../../server/access/api-token.js';
import { newSecret, sameSecret } from '../../server/access/secret.js';
import { AccessStoreError } from './access-store-error.js';

/**
 * The cluster's one API token, kept in Redis at `key`. The first node to start creates it
 * (`SET NX`: of two nodes starting at once, one wins and both use its token): with the `explicit`
 * token (`--token`) when given, else with a random one. A node given an explicit token that
 * differs from the cluster's refuses to start (ERR_CLUSTER_TOKEN_MISMATCH) rather than accept a
 * token the other nodes refuse. The data folder's `token` file is not used in this mode.
 */
export async function resolveClusterToken(redis: Redis, key: string, explicit?: string): Promise<string> {
  if (explicit !== undefined) {
    const problem = tokenProblem(explicit);
    if (problem) throw new AccessStoreError('ERR_CLUSTER_TOKEN_INVALID', `The API token given (--token) is not usable: ${problem}.`);
  }
  const candidate = explicit ?? newSecret(32);
  const created = await redis.set(key, candidate, 'NX');
  if (created === 'OK') return candidate;
  const stored = await redis.get(key);
  // Deleted between the two calls (an operator rotating it): start over once, it is rare.
  if (stored === null) return resolveClusterToken(redis, key, explicit);
  const problem = tokenProblem(stored);
  if (problem) throw new AccessStoreError('ERR_CLUSTER_TOKEN_INVALID', `The cluster's API token in Redis key ${key} is not usable: ${problem}. Set a valid one there, or delete the key to have a new one created.`);
  if (explicit !== undefined && !sameSecret(explicit, stored)) {
    throw new AccessStoreError(
      'ERR_CLUSTER_TOKEN_MISMATCH',
      `The API token given (--token) differs from the one the cluster already uses (Redis key ${key}). Give every node the same --token, or none (it then uses the cluster's).`,
    );
  }
  return stored;
}
