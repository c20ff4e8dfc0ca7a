import { Injectable } from '@nestjs/common';
import { OnWsMessage, WsRateLimit, type TaskOwner, type WsInboundMessage, type WsMessageContext } from '@websocket-tool/nestjs';
import { randomUUID } from 'node:crypto';
import { GenerateReportDto, ReportStartedDto } from './report.dto.js';
import { ReportRunner } from './report-runner.js';

/**
 * `report.generate` starts a report in the background and answers with its
 * task id; the page then subscribes to `task:<task_id>` for its progress,
 * log lines and outcome (the sender gets them anyway, as the task's owner).
 */
@Injectable()
export class ReportHandlers {
  constructor(private readonly runner: ReportRunner) {}

  @OnWsMessage('report.generate', {
    dto: GenerateReportDto,
    description: 'Starts a report in the background; its events come on the task topic.',
    example: { title: 'Monthly report' },
    reply: { dto: ReportStartedDto },
  })
  @WsRateLimit({ limit: 10, window: 60 })
  async generate(message: WsInboundMessage<GenerateReportDto>, context: WsMessageContext) {
    // A random id: anyone who knows a task id may subscribe to its topic.
    const taskId = randomUUID();
    await this.runner.start({
      taskId,
      title: message.content.title?.trim() || 'Monthly report',
      fail: message.content.fail === true,
      owner: ownerOf(context),
    });
    return { task_id: taskId, topic: `task:${taskId}`, mode: this.runner.mode };
  }
}

/** The authenticated user when there is one (every tab of theirs gets the events), else the sending client. */
function ownerOf(context: WsMessageContext): TaskOwner {
  const identity = context.identity as { userId?: unknown } | undefined;
  return typeof identity?.userId === 'string' ? { userId: identity.userId } : context.clientId;
}
