// Starts a grandchild, prints both pids, then runs until killed. With "stubborn", both ignore SIGTERM.
import { spawn } from 'node:child_process';
const stubborn = process.argv[2] === 'stubborn';
const code = `${stubborn ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000);`;
const grandchild = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
if (stubborn) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
console.log(`pids ${process.pid} ${grandchild.pid}`);
setInterval(() => {}, 1000);
