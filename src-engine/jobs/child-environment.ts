/**
 * The environment a command runs with: the server's, less its own settings (`TASK_MONITOR_*`
 * may hold the API token), plus the job's `env`.
 */
export function childEnvironment(extra: Readonly<Record<string, string>>, base: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(base)) if (!name.startsWith('TASK_MONITOR_')) env[name] = value;
  return { ...env, ...extra };
}
