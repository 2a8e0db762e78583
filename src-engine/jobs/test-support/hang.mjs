// A module kind as a plain object (no import at all): runs until its signal aborts.
export default {
  name: 'hang',
  parse: (parameters) => parameters,
  run: ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
};
