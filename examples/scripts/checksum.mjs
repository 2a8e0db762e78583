// SHA-256 of a file, printing "NN% read BYTES" lines as it goes: the job's progress.pattern turns
// them into progress. The last line (the digest) becomes the task's result.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

const file = process.argv[2];
const size = statSync(file).size;
const hash = createHash('sha256');
let read = 0;
let shown = -1;
for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
  hash.update(chunk);
  read += chunk.length;
  const percent = size === 0 ? 100 : Math.floor((read / size) * 100);
  if (percent !== shown) console.log(`${(shown = percent)}% read ${read} bytes`);
}
console.log(`${hash.digest('hex')}  ${file}`);
