// Reports progress with the line protocol, logs a line on each stream, sets a result, exits with argv[2] (default 0).
const code = Number(process.argv[2] ?? 0);
console.log('starting');
console.log('::progress 25 a quarter');
console.error('a warning on stderr');
console.log('::progress 75');
console.log('::result all done');
if (code !== 0) {
  console.error('first problem');
  console.error('second problem');
}
process.exit(code);
