/** The BullMQ queue of the report demo. */
export const REPORTS_QUEUE = 'reports';
/** The BullMQ job name of one report. */
export const REPORT_JOB = 'generate-report';
/** DI token of the resolved `ReportJobsOptions`. */
export const REPORT_JOBS_OPTIONS = 'SAMPLE:REPORT_JOBS_OPTIONS';
