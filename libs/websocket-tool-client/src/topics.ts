import type { ClientLogger } from './client-logger.interface.js';
import { isPlainObject } from './protocol/is-plain-object.js';
import { SystemMessageType } from './protocol/index.js';
import { WsRequestError, WsRequestFailedError } from './request-errors.js';
import type { Requests } from './requests.js';
import { TopicSubscriptions } from './topic-subscriptions.js';

/** The topics the client holds, subscribed again on every connection. */
export class Topics {
  private readonly subscriptions = new TopicSubscriptions();

  constructor(
    private readonly requests: Requests,
    private readonly logger: ClientLogger,
  ) {}

  names(): string[] {
    return this.subscriptions.names();
  }

  /** Keeps the topic; asks the server at once if `open`, else on the next connection. */
  subscribe(topic: string, open: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.subscriptions.add(topic, { resolve, reject }) && open) this.sendSubscribe(topic);
    });
  }

  /** Forgets the topic; resolves with whether the server had it (false when not `open`). */
  async unsubscribe(topic: string, open: boolean): Promise<boolean> {
    this.subscriptions.remove(topic, new WsRequestFailedError('closed', `Unsubscribed from "${topic}" before it was confirmed.`));
    if (!open) return false;
    const reply = await this.requests.system(SystemMessageType.Unsubscribe, { topic });
    return isPlainObject(reply.content) && reply.content.was_subscribed === true;
  }

  /** A new connection: nothing is confirmed on it yet. */
  resetConfirmations(): void {
    this.subscriptions.resetConfirmations();
  }

  /** Subscribes every topic on the connection that just opened. */
  resubscribe(): void {
    for (const topic of this.subscriptions.names()) this.sendSubscribe(topic);
  }

  /** The client stopped: reject everyone waiting for a confirmation. */
  rejectWaiters(error: Error): void {
    this.subscriptions.rejectWaiters(error);
  }

  private sendSubscribe(topic: string): void {
    this.requests.system(SystemMessageType.Subscribe, { topic }).then(
      () => this.subscriptions.confirm(topic),
      (error: unknown) => {
        // A refusal is final; after a lost connection the next connect subscribes again.
        if (!(error instanceof WsRequestError) || !this.subscriptions.has(topic)) return;
        if (this.subscriptions.remove(topic, error) === 0) {
          this.logger.warn(`The server refused topic "${topic}" (${error.code}); it is no longer subscribed.`);
        }
      },
    );
  }
}
