// Counts to argv[2], pausing argv[3] ms between numbers, and reports each step with the line
// protocol: `::progress N message` moves the bar, `::result text` is the task's result.
const to = Number(process.argv[2] ?? 10);
const delayMs = Number(process.argv[3] ?? 500);
for (let i = 1; i <= to; i++) {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  console.log(`counted ${i}`);
  console.log(`::progress ${Math.round((i / to) * 100)} ${i} of ${to}`);
}
console.log(`::result counted to ${to}`);
