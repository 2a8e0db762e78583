// Jobs-file module (job `bench-noop`) for the cluster section: does nothing and returns the id of
// the process that ran it, so that the bench sees which worker process took each task.
export default {
  name: 'bench-noop',
  parse: (parameters) => parameters,
  run: async () => String(process.pid),
};
