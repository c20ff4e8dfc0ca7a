import type { ClientStateEvent } from '@websocket-tool/client';
import { byId } from './dom.js';

let countdown: ReturnType<typeof setInterval> | null = null;

/** Sets the header badge: its state (for the style and the tests) and its text. */
export function setStatus(state: string, text: string): void {
  const status = byId('status');
  status.dataset.state = state;
  status.className = state;
  status.textContent = text;
}

function stopCountdown(): void {
  if (countdown !== null) clearInterval(countdown);
  countdown = null;
}

function startCountdown(retryAt: number): void {
  stopCountdown();
  const tick = (): void => {
    const seconds = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
    setStatus('reconnecting', 'reconnecting in ' + seconds + ' s');
  };
  tick();
  countdown = setInterval(tick, 250);
}

/** Shows a state change of the client in the badge, with a countdown while it waits to reconnect. */
export function showState(event: ClientStateEvent): void {
  if (event.state !== 'reconnecting') stopCountdown();
  if (event.state === 'connecting')
    setStatus('connecting', event.attempt ? 'connecting (attempt ' + (event.attempt + 1) + ')' : 'connecting');
  else if (event.state === 'open') setStatus('open', 'online');
  else if (event.state === 'reconnecting') startCountdown(event.retryAt);
  else if (event.state === 'closed' && !event.willReconnect) {
    setStatus('closed', 'closed ' + event.code + (event.reason ? ' ' + event.reason : ''));
  }
}
