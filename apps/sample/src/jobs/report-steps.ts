/** Where a report's progress and log lines go: the TaskMonitor, or a BullMQ job. */
export interface ReportReporter {
  progress(percent: number, message: string): void | Promise<void>;
  log(level: 'info' | 'warn', message: string): void | Promise<void>;
}

/** What a finished report returns (sent to the page in `meta.result`). */
export interface ReportResult {
  title: string;
  pages: number;
}

const STEPS = ['Collecting data', 'Crunching numbers', 'Drawing charts', 'Writing the summary', 'Exporting the PDF'];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The demo "report": a few slow steps, each with a log line and a progress
 * report. With `fail`, the third step throws.
 */
export async function runReportSteps(reporter: ReportReporter, title: string, stepMs: number, fail: boolean): Promise<ReportResult> {
  for (const [index, step] of STEPS.entries()) {
    await reporter.log('info', `${step}...`);
    await pause(stepMs);
    if (fail && index === 2) {
      await reporter.log('warn', 'The chart service did not answer');
      throw new Error('The chart service did not answer');
    }
    await reporter.progress(Math.round(((index + 1) / STEPS.length) * 100), step);
  }
  return { title, pages: 12 };
}
