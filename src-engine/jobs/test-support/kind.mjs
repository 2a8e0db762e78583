// A module kind, as a user writes one: imports the package by name.
import { defineTaskKind, TaskParameterError } from 'task-monitor';

export default defineTaskKind({
  name: 'greet',
  parameterSchema: { type: 'object', properties: { who: { type: 'string', minLength: 1 } }, required: ['who'], additionalProperties: false },
  parse(parameters) {
    if (parameters.who === 'nobody') throw new TaskParameterError('who must be somebody');
    return parameters;
  },
  async run({ parameters, report, log }) {
    log(`greeting ${parameters.who}`);
    report(50, 'half way');
    log('almost there', 'warn');
    return `Hello, ${parameters.who}!`;
  },
});
