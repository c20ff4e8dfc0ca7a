/** How the report demo runs. */
export interface ReportJobsOptions {
  /** With a Redis URL, reports run through a BullMQ queue and worker; without, in this process. */
  redisUrl?: string;
  /** BullMQ key prefix. @default 'bull' */
  prefix?: string;
  /** Milliseconds each of the report's steps takes. @default 700 */
  stepMs?: number;
}
