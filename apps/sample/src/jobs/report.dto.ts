import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** Content of a `report.generate` message. */
export class GenerateReportDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  title?: string;

  /** Make the report fail half way, to see `tasks_worker.task_failed`. */
  @IsOptional()
  @IsBoolean()
  fail?: boolean;
}

/** The answer to `report.generate`: the task to follow on its topic. */
export class ReportStartedDto {
  @IsUUID()
  task_id!: string;

  /** `task:<task_id>`, to subscribe to for the task's events. */
  @IsString()
  topic!: string;

  @IsIn(['in-process', 'bullmq'])
  mode!: string;
}
