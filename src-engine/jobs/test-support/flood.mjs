// Writes argv[2] MB of output (1 KiB lines) as fast as the pipe takes it, then a last line.
const mb = Number(process.argv[2] ?? 1);
const line = `${'x'.repeat(1023)}\n`;
const chunk = line.repeat(64); // 64 KiB
let left = mb * 16;
function write() {
  while (left > 0) {
    left--;
    if (!process.stdout.write(chunk)) return process.stdout.once('drain', write);
  }
  process.stdout.write('the end\n');
}
write();
