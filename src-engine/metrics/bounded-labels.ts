/** Label value that stands for every kind beyond the cap. */
export const OTHER_LABEL = 'other';

/**
 * Keeps a label's values bounded: the first `max` distinct values are used as they are, any
 * later one is reported as {@link OTHER_LABEL}. Prometheus keeps one series per label value, so
 * an unbounded label (a kind name made up per request) would grow the server's memory and the
 * scraper's without limit.
 */
export class BoundedLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 50) {}

  /** The label value to report for `value`. */
  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER_LABEL;
    this.seen.add(value);
    return value;
  }
}
