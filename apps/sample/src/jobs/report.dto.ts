import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

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
