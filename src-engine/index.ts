/**
 * The package's public API (`import { defineTaskKind, TaskParameterError } from 'task-monitor'`):
 * what a module kind of a jobs file needs. See docs/jobs.md.
 */
export { defineTaskKind, TaskParameterError } from './engine/task-kind.js';
export type { TaskContext, TaskKind } from './engine/task-kind.js';
export type { JobAudience, TaskLogLevel } from './protocol/messages.js';
