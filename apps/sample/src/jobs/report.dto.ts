import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

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

  // A field's description in the protocol document (and in the generated client) comes from @JSONSchema.
  @JSONSchema({ description: "task:<task_id>: subscribe to it for the task's events" })
  @IsString()
  topic!: string;

  @IsIn(['in-process', 'bullmq'])
  mode!: string;
}
