/** Spans of time in words, for countdowns ("Runs in 4 min 12 s", "in 2 s"). */

/**
 * A span of time in words, to the second while short: `12 s`, `4 min 12 s`, `1 h 3 min`,
 * `2 d 5 h`. Negative spans are 0 s.
 */
export function formatSpan(ms: number): string {
  const total = Math.max(0, Math.ceil((Number.isFinite(ms) ? ms : 0) / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}
