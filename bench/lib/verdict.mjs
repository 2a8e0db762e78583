// A row's ratio to its baseline and its verdict against its target, as the table prints them.
import { formatNumber } from './common.mjs';

/** ours ÷ baseline, or undefined when the row has no baseline. */
export function ratioOf(row) {
  if (row.ours === undefined || row.baseline === undefined || row.baseline === 0) return undefined;
  return row.ours / row.baseline;
}

/** '≥ 0.95× ✔', '≤ 1.5× ✘', 'FAILED', 'skipped: …', or '' for a row without a target. */
export function verdict(row) {
  const { target } = row;
  if (row.failed) return 'FAILED';
  if (row.skipped) return `skipped: ${row.skipped}`;
  if (!target) return '';
  // Lower is better (times, memory, CPU): ours may be at most this multiple of the baseline.
  if (target.maxRatio !== undefined) return ratioOf(row) <= target.maxRatio ? `≤ ${target.maxRatio}× ✔` : `≤ ${target.maxRatio}× ✘`;
  if (target.ratio !== undefined) return ratioOf(row) >= target.ratio ? `≥ ${target.ratio}× ✔` : `≥ ${target.ratio}× ✘`;
  if (target.absolute !== undefined) return row.ours >= target.absolute ? `≥ ${formatNumber(target.absolute)} ✔` : `≥ ${formatNumber(target.absolute)} ✘`;
  if (target.max !== undefined) return row.ours <= target.max ? `≤ ${target.max} ✔` : `≤ ${target.max} ✘`;
  return '';
}
