// Logs a numbered line every 50 ms, with progress, until argv[2] lines (default forever).
const total = Number(process.argv[2] ?? Infinity);
let i = 0;
const timer = setInterval(() => {
  i++;
  console.log(`line ${i}`);
  if (Number.isFinite(total)) console.log(`::progress ${Math.round((i / total) * 100)} line ${i}`);
  if (i >= total) {
    clearInterval(timer);
    console.log(`::result ${i} lines`);
  }
}, 50);
