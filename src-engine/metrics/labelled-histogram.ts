import type { Registry } from 'prom-client';

/** One label value's series: a count per bucket (not cumulative), the sum and the count. */
interface Series {
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** A value as prom-client's registry formats it (the same shape its own histograms hand over). */
interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

/**
 * A Prometheus histogram with one label, kept as plain numbers and handed to the registry only
 * when scraped. prom-client's `observe` with labels checks them, hashes them into a key text and
 * builds objects on every call; this one is an array index and two additions, which matters for
 * a histogram observed once per task. The exposition is the same as prom-client's histogram:
 * `_bucket` series (cumulative, `le` then the label, `+Inf` last), `_sum` and `_count`.
 */
export class LabelledHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly upperBounds: readonly number[],
    registers: readonly Registry[],
  ) {
    for (const registry of registers) registry.registerMetric(this as never);
  }

  /** Records one value for one label value (callers bound the label values). */
  observe(label: string, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`${this.name}: value is not a finite number: ${value}`);
    let series = this.series.get(label);
    if (!series) this.series.set(label, (series = { buckets: new Array<number>(this.upperBounds.length).fill(0), sum: 0, count: 0 }));
    series.sum += value;
    series.count++;
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        series.buckets[i]!++;
        return;
      }
    }
  }

  /** What the registry formats (called at scrape time only). */
  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values: MetricValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const [label, series] of this.series) {
      let cumulative = 0;
      for (let i = 0; i < this.upperBounds.length; i++) {
        cumulative += series.buckets[i]!;
        values.push({ labels: { le: this.upperBounds[i]!, [this.labelName]: label }, value: cumulative, metricName: bucketName });
      }
      values.push({ labels: { le: '+Inf', [this.labelName]: label }, value: series.count, metricName: bucketName });
      values.push({ labels: { [this.labelName]: label }, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { [this.labelName]: label }, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Forgets every series (the registry's resetMetrics). */
  reset(): void {
    this.series.clear();
  }
}
