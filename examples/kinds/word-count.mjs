// A module kind: a JavaScript task kind the jobs file names with "module". Its default export is
// made with defineTaskKind; parameterSchema gives the form (and the submit-time check).
import { defineTaskKind, TaskParameterError } from 'task-monitor';

export default defineTaskKind({
  name: 'word-count',
  title: 'Count words',
  parameterSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['text'],
    properties: { text: { type: 'string', title: 'Text', minLength: 1, maxLength: 100000 } },
  },
  parse(parameters) {
    if (parameters.text.trim() === '') throw new TaskParameterError('text must contain a word');
    return { text: parameters.text };
  },
  async run({ parameters, signal, report, log }) {
    const words = parameters.text.split(/\s+/).filter(Boolean);
    log(`${words.length} words to count`);
    const counts = new Map();
    for (const [i, word] of words.entries()) {
      signal.throwIfAborted(); // cancel and shutdown abort the signal
      counts.set(word.toLowerCase(), (counts.get(word.toLowerCase()) ?? 0) + 1);
      if (i % 1000 === 0) report((i / words.length) * 100, `word ${i + 1} of ${words.length}`);
    }
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
    log(`most frequent: ${top.map(([word, n]) => `${word} (${n})`).join(', ')}`, 'info');
    return `${words.length} words, ${counts.size} distinct`;
  },
});
