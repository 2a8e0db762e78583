// Writes bytes that are not valid UTF-8, and a line longer than any limit, then exits.
process.stdout.write(Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe, 0x20, 0xc3, 0x28, 0x0a]));
process.stdout.write(`${'y'.repeat(20000)}\n`);
process.stdout.write('caf');
process.stdout.write(Buffer.from([0xc3]));
process.stdout.write(Buffer.from([0xa9, 0x0a]));
