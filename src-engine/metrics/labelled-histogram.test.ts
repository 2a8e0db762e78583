import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LabelledHistogram } from './labelled-histogram.js';

const BUCKETS = [0.05, 0.1, 0.5, 1, 10];

/** The same observations through prom-client's histogram and ours, each in its own registry. */
async function bothExpositions(observations: readonly (readonly [string, number])[]): Promise<{ theirs: string; ours: string }> {
  const theirsRegistry = new Registry();
  const theirs = new Histogram({ name: 'h_seconds', help: 'a histogram', labelNames: ['kind'], buckets: BUCKETS, registers: [theirsRegistry] });
  const oursRegistry = new Registry();
  const ours = new LabelledHistogram('h_seconds', 'a histogram', 'kind', BUCKETS, [oursRegistry]);
  for (const [kind, value] of observations) {
    theirs.observe({ kind }, value);
    ours.observe(kind, value);
  }
  return { theirs: await theirsRegistry.metrics(), ours: await oursRegistry.metrics() };
}

describe('LabelledHistogram', () => {
  it("exposes exactly what prom-client's labelled histogram exposes for the same observations", async () => {
    const observations = [['a', 0.01], ['a', 0.05], ['b', 0.3], ['a', 2], ['b', 99], ['c', 1], ['a', 0.07]] as const;
    const { theirs, ours } = await bothExpositions(observations);
    expect(ours).toBe(theirs);
    expect(ours).toContain('h_seconds_bucket{le="0.05",kind="a"} 2');
    expect(ours).toContain('h_seconds_bucket{le="+Inf",kind="b"} 2');
    expect(ours).toContain('h_seconds_count{kind="a"} 4');
  });

  it('exposes only its help and type before anything is observed, like prom-client', async () => {
    const { theirs, ours } = await bothExpositions([]);
    expect(ours).toBe(theirs);
  });

  it('agrees with prom-client in the JSON form too (labels merged, as getMetricsAsJSON gives them)', async () => {
    const theirsRegistry = new Registry();
    const theirs = new Histogram({ name: 'j_seconds', help: 'json', labelNames: ['kind'], buckets: BUCKETS, registers: [theirsRegistry] });
    const oursRegistry = new Registry();
    const ours = new LabelledHistogram('j_seconds', 'json', 'kind', BUCKETS, [oursRegistry]);
    theirs.observe({ kind: 'x' }, 0.2);
    ours.observe('x', 0.2);
    const strip = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) => metrics.map(({ values, ...rest }) => ({ ...rest, values: values.map((entry) => { const { labels, value, metricName } = entry as typeof entry & { metricName?: string }; return { labels, value, metricName }; }) }));
    expect(strip(await oursRegistry.getMetricsAsJSON())).toEqual(strip(await theirsRegistry.getMetricsAsJSON()));
  });

  it('refuses a value that is not a finite number, as prom-client does', () => {
    const histogram = new LabelledHistogram('n_seconds', 'n', 'kind', BUCKETS, [new Registry()]);
    expect(() => histogram.observe('a', Number.NaN)).toThrow(TypeError);
  });

  it('forgets every series on reset', async () => {
    const registry = new Registry();
    const histogram = new LabelledHistogram('r_seconds', 'r', 'kind', BUCKETS, [registry]);
    histogram.observe('a', 1);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('r_seconds_count');
  });
});
