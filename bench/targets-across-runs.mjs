// Every row with a target, across several saved runs of `npm run bench` (their .json files), side
// by side: the bar is every target holding in consecutive full runs, so this is the table
// to read (and paste into docs/performance.md).
//
//   node bench/targets-across-runs.mjs .tmp/bench/run1.json .tmp/bench/run2.json
import { readFileSync } from 'node:fs';
import { formatNumber } from './lib/common.mjs';
import { ratioOf, verdict } from './lib/verdict.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node bench/targets-across-runs.mjs RUN.json [RUN.json ...]\n');
  process.exit(2);
}
const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')));

/** id → { measure, cells: one per run } for rows that have a target in any run. */
const byId = new Map();
runs.forEach((run, index) => {
  for (const row of run.results.flatMap((result) => result.rows)) {
    if (!row.target && !row.failed && !row.skipped) continue;
    const entry = byId.get(row.id) ?? { measure: `${row.section}: ${row.measure}`, cells: new Array(runs.length).fill('—') };
    // Absolute targets (a time, a count) are about our own figure, not the ratio.
    const absolute = row.target && (row.target.max !== undefined || row.target.absolute !== undefined);
    const ratio = absolute ? undefined : ratioOf(row);
    // Rows without a baseline (absolute targets) show their own figure.
    const shown = ratio !== undefined ? `${ratio.toFixed(2)}× ` : row.ours !== undefined ? `${formatNumber(row.ours)} ${row.unit ?? ''} `.replace('  ', ' ') : '';
    entry.cells[index] = `${shown}${verdict(row)}`.trim();
    byId.set(row.id, entry);
  }
});

const header = runs.map((run, i) => `run ${i + 1} (${run.machine.date.slice(0, 16)}, ${run.machine.git}${run.quick ? ', quick' : ''})`);
const lines = [`| target row | ${header.join(' | ')} |`, `|---|${header.map(() => '---').join('|')}|`];
for (const { measure, cells } of byId.values()) lines.push(`| ${measure} | ${cells.join(' | ')} |`);
const held = [...byId.values()].filter(({ cells }) => cells.every((cell) => cell.endsWith('✔'))).length;
lines.push('', `Held in every run: ${held} of ${byId.size} target rows.`);
process.stdout.write(`${lines.join('\n')}\n`);
