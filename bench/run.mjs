// `npm run bench`: runs every section in its own process (a clean heap each), then prints one
// table of our figures, the baselines measured in the same run on the same machine, and ratios.
//
//   npm run bench                      everything (about 20 minutes)
//   npm run bench -- --quick           smaller counts, shorter loads (about 3 minutes)
//   npm run bench -- --only=fanout,http
//   npm run bench -- --only=ui --quick   the UI in Chromium (needs `npm run build` first)
//
// bullmq and cluster start a private redis-server (127.0.0.1, a temp folder); without one
// installed they print a skipped row. cluster also needs the launcher's cluster mode (--redis).
//
// Results also go to .tmp/bench/latest.json (and a dated copy).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { benchPath, formatNumber } from './lib/common.mjs';
import { ratioOf, verdict } from './lib/verdict.mjs';

const SECTIONS = ['engine', 'fanout', 'latency', 'http', 'footprint', 'ui', 'bullmq', 'cluster'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const sections = only ? SECTIONS.filter((name) => only.includes(name)) : SECTIONS;
const SECTION_TIMEOUT_MS = 15 * 60_000;

function machine() {
  const sh = (command) => {
    try {
      return execFileSync('sh', ['-c', command], { encoding: 'utf8' }).trim();
    } catch {
      return 'n/a';
    }
  };
  const cpuModel = /model name\s*:\s*(.*)/.exec(sh('cat /proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'n/a';
  return {
    date: new Date().toISOString(),
    nproc: sh('nproc'),
    cpuModel,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB total (free -h: ${sh("free -h | awk '/^Mem:/ {print $2\" total, \"$7\" available\"}'")})`,
    node: process.version,
    ulimitN: sh('ulimit -n'),
    git: sh('git rev-parse --short HEAD'),
  };
}

/** Runs one section in a fresh Node process; resolves with its rows. */
function runSection(name) {
  return new Promise((resolve) => {
    const started = performance.now();
    const load = loadavg()[0];
    const child = spawn(process.execPath, [benchPath(`${name}.mjs`), ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), SECTION_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = output.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
      const seconds = (performance.now() - started) / 1000;
      const loadAfter = loadavg()[0];
      if (!line || code !== 0) {
        process.stderr.write(output);
        resolve({ name, seconds, load: [load, loadAfter], rows: [{ id: name, section: name, measure: `section failed (exit ${code ?? signal})`, failed: true }] });
        return;
      }
      resolve({ name, seconds, load: [load, loadAfter], ...JSON.parse(line.slice('BENCH-RESULT '.length)) });
    });
  });
}

function table(results) {
  const lines = ['| Section | Measure | Ours | Baseline | Ratio | Target |', '|---|---|---:|---:|---:|---|'];
  for (const result of results) {
    for (const row of result.rows) {
      const ratio = ratioOf(row);
      const ours = row.ours === undefined ? '—' : `${formatNumber(row.ours)} ${row.unit ?? ''}`.trim();
      const baseline = row.baseline === undefined ? '—' : `${formatNumber(row.baseline)} (${row.baselineName})`;
      lines.push(`| ${row.section} | ${row.measure} | ${ours} | ${baseline} | ${ratio === undefined ? '—' : `${ratio.toFixed(2)}×`} | ${verdict(row)} |`);
    }
  }
  return lines.join('\n');
}

/** One line for the end of the table: how many targets held, and which did not. */
function targetSummary(results) {
  const verdicts = results.flatMap((r) => r.rows.map((row) => ({ row, verdict: verdict(row) })));
  const met = verdicts.filter((v) => v.verdict.endsWith('✔')).length;
  const missed = verdicts.filter((v) => v.verdict.endsWith('✘') || v.verdict === 'FAILED');
  const skipped = verdicts.filter((v) => v.verdict.startsWith('skipped')).length;
  const names = missed.map((v) => v.row.id).join(', ');
  return `Targets: ${met} met, ${missed.length} not met${missed.length ? ` (${names})` : ''}${skipped ? `, ${skipped} section(s) skipped` : ''}.`;
}

const info = machine();
process.stderr.write(`bench: ${sections.join(', ')}${quick ? ' (quick)' : ''} on ${info.nproc} × ${info.cpuModel}, Node ${info.node}, ulimit -n ${info.ulimitN}\n`);
if (sections.includes('footprint') && Number(info.ulimitN) < 6000) {
  process.stderr.write(`bench: ulimit -n is ${info.ulimitN}; the footprint section opens 5,000 sockets per process: run 'ulimit -n 20000' first\n`);
}
execFileSync(process.execPath, ['-e', 'process.exit(0)']); // a first spawn, so the sections start warm

const results = [];
for (const name of sections) {
  process.stderr.write(`\n== ${name} ==\n`);
  results.push(await runSection(name));
}

const report = table(results);
const loads = results.map((r) => `${r.name} ${r.load.map((l) => l.toFixed(1)).join('→')}`).join(', ');
const header = [
  `Date: ${info.date} · commit ${info.git}`,
  `Machine: ${info.nproc} × ${info.cpuModel}; memory ${info.memory}; Node ${info.node}; ulimit -n ${info.ulimitN}`,
  `Load average (1 min) at start → end of each section: ${loads}`,
].join('\n');
const summary = targetSummary(results);
process.stdout.write(`\n${header}\n\n${report}\n\n${summary}\n`);

const dir = benchPath('../.tmp/bench');
mkdirSync(dir, { recursive: true });
const json = JSON.stringify({ machine: info, quick, results }, null, 2);
writeFileSync(`${dir}/latest.json`, json);
writeFileSync(`${dir}/results-${info.date.replace(/[:.]/g, '-')}.json`, json);
writeFileSync(`${dir}/latest.md`, `${header}\n\n${report}\n\n${summary}\n`);
process.stderr.write(`\nbench: results in .tmp/bench/latest.json and latest.md\n`);
if (results.some((r) => r.rows.some((row) => row.failed))) process.exitCode = 1;

