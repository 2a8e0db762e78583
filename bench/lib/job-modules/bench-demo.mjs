// Jobs-file module (job `bench-demo`) for the cluster section: the stamped demo kind of section 3
// (each progress report carries the monotonic clock in µs), wherever the task runs.
export { stampedDemoKind as default } from '../bench-kinds.mjs';
