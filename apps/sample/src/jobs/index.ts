export { ReportJobsModule, reportJobsWebSocketOptions } from './report-jobs.module.js';
export type { ReportJobsOptions } from './report-jobs-options.interface.js';
