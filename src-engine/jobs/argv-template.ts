/** `{name}` in a command argument: a parameter reference. `{{` and `}}` stand for literal braces. */
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The parameter names an argument refers to. */
export function placeholdersOf(argument: string): string[] {
  const names: string[] = [];
  for (const match of argument.matchAll(PLACEHOLDER)) if (match[1]) names.push(match[1]);
  return names;
}

/**
 * Builds the argv of one run. Each template argument stays exactly one argument: a value is
 * pasted into its argument as plain text, never split, never seen by a shell (there is none), so
 * `; rm -rf ~`, `$(…)`, backticks, quotes and newlines reach the program as they were typed.
 */
export function renderArgv(template: readonly string[], parameters: Readonly<Record<string, unknown>>): string[] {
  return template.map((argument) =>
    argument.replace(PLACEHOLDER, (whole, name: string | undefined) => {
      if (name === undefined) return whole === '{{' ? '{' : '}';
      const value = parameters[name];
      return value === undefined || value === null ? '' : String(value);
    }),
  );
}
