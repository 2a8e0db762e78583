import { describeSeedContract } from '../../test-support/seed-contract.js';
import { startCluster } from './test-support/cluster.js';

/**
 * The seed's whole wire contract against a cluster: two API nodes and one worker process on one
 * Redis. Every request goes to node A, every socket to node B, and every task runs in the worker:
 * a client written for the original cannot tell.
 */
describeSeedContract(async () => {
  const cluster = await startCluster({ nodes: 2, workers: 1 });
  return { restUrl: cluster.nodes[0]!.url, wsUrl: cluster.nodes[1]!.url, close: () => cluster.close() };
});
