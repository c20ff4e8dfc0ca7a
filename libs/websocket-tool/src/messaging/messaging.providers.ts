import type { Provider } from '@nestjs/common';
import { WsExplorer } from './discovery/ws-explorer.js';
import { WsHandlerRegistry } from './discovery/ws-handler-registry.js';
import { HandlerInvoker } from './dispatch/handler-invoker.js';
import { MessageDispatcher } from './dispatch/message-dispatcher.js';
import { DispatchReplies } from './dispatch/replies.js';
import { AcknowledgedDelivery } from './delivery/acknowledged-delivery.js';
import { PendingDeliveries } from './delivery/pending-deliveries.js';
import { TopicDeltas } from './delivery/topic-deltas.js';
import { OfflineMailbox } from './offline-mailbox.js';
import { IdentityTopics } from './identity-topics.js';
import { SystemMessages } from './system/system-messages.js';

/** The inbound message path: discovery, dispatch and the `system.*` protocol (BroadcastService is listed by the module). */
export const MESSAGING_PROVIDERS: Provider[] = [
  WsHandlerRegistry,
  WsExplorer,
  DispatchReplies,
  SystemMessages,
  HandlerInvoker,
  MessageDispatcher,
  OfflineMailbox,
  PendingDeliveries,
  AcknowledgedDelivery,
  TopicDeltas,
  IdentityTopics,
];
