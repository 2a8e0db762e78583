// Task kinds registered only by the benchmarks.
import { setTimeout as delay } from 'node:timers/promises';
import { monoMicros } from './common.mjs';

const passThrough = (parameters) => parameters;

/** Does nothing: measures the engine's own cost per task. */
export const noopKind = { name: 'bench-noop', parse: passThrough, run: async () => undefined };

/**
 * Like the built-in `demo` kind (ten equal steps of `duration / 10` ms, `Processing step i/10`),
 * but each report carries the monotonic clock in µs after an `@`, so that a client on the same
 * machine can measure report → receipt latency.
 */
export const stampedDemoKind = {
  name: 'bench-demo',
  parse: passThrough,
  async run({ parameters, signal, report }) {
    const steps = 10;
    const stepMs = (parameters.duration ?? 1000) / steps;
    for (let step = 1; step <= steps; step++) {
      await delay(stepMs, undefined, { signal });
      report(step * 10, `Processing step ${step}/${steps} @${monoMicros()}`);
    }
    return 'done';
  },
};

/**
 * Reports `rounds` progress ticks, one per turn of the event loop, never more than `window`
 * rounds ahead of what every client acknowledged (`gate`): the producer runs as fast as the
 * clients can take it, without unbounded buffering anywhere.
 */
export function fanoutKind(gate) {
  return {
    name: 'bench-fanout',
    parse: passThrough,
    async run({ parameters, report }) {
      const { rounds, window } = parameters;
      for (let round = 1; round <= rounds; round++) {
        report((round / rounds) * 99, `Processing step ${round}/${rounds}`);
        if (round - gate.acked >= window) await gate.until(round - window + 1);
        else await new Promise((resolve) => setImmediate(resolve));
      }
      return 'done';
    },
  };
}

/** Highest round every client has received, advanced by the client process's acks. */
export class AckGate {
  acked = 0;
  #waiters = [];

  ack(round) {
    if (round <= this.acked) return;
    this.acked = round;
    const ready = this.#waiters.filter((w) => w.round <= round);
    this.#waiters = this.#waiters.filter((w) => w.round > round);
    for (const w of ready) w.resolve();
  }

  until(round) {
    if (this.acked >= round) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ round, resolve }));
  }

  reset() {
    this.acked = 0;
    this.#waiters = [];
  }
}

/**
 * Like {@link fanoutKind}, for several tasks reporting at once: each reports `ticks` progress
 * ticks, one per turn of the event loop, while the ticks reported by all of them together stay at
 * most `window` ahead of the frames the client acknowledged (`gate`, in frames received). Make one
 * per run: the count of ticks reported is the kind's own.
 */
export function sharedWindowKind(gate) {
  let reported = 0;
  return {
    name: 'bench-shared-window',
    parse: passThrough,
    async run({ parameters, report }) {
      const { ticks, window } = parameters;
      for (let tick = 1; tick <= ticks; tick++) {
        report((tick / ticks) * 99, `Processing step ${tick}/${ticks}`);
        reported++;
        if (reported - gate.acked >= window) await gate.until(reported - window + 1);
        else await new Promise((resolve) => setImmediate(resolve));
      }
      return 'done';
    },
  };
}
