/** The worker container's plain (non-secret) settings; the Temporal connection comes from Secrets Manager. */
export const WORKER_ENV = {
  tables: 'SAGABENCH_TABLES',
  taskQueue: 'SAGABENCH_TASK_QUEUE',
} as const;
