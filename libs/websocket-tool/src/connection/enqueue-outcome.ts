/** What happened to one message for one client. */
export type EnqueueOutcome = 'queued' | 'queue_full' | 'client_queue_full' | 'closed';
