// Starts a background child that would run for a minute, prints its pid, and exits 0 at once.
import { spawn } from 'node:child_process';
const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
child.unref();
console.log(`::result ${child.pid}`);
