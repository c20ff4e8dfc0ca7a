// Loaded with `node --expose-gc --import` into a server started by the
// reliability tests and the soak. It changes nothing in the server; it
// reports, over the IPC channel:
// - every uncaught exception and unhandled rejection (seen through
//   'uncaughtExceptionMonitor', so Node still crashes as it would without it),
// - process warnings (a MaxListenersExceededWarning means a listener leak),
// - on request, a memory sample after a full garbage collection, with the
//   open file descriptors, the active handles by kind and the event-loop delay.
// It also ends the server when the test process that started it is gone.
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function report(message) {
  if (process.connected) process.send(message);
}

process.on('uncaughtExceptionMonitor', (err, origin) => {
  report({ kind: 'fault', origin, message: err instanceof Error ? String(err.stack ?? err.message) : String(err) });
});

process.on('warning', (warning) => {
  report({ kind: 'warning', name: warning.name, message: warning.message });
});

function countFds() {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

function sample(collect) {
  if (collect && typeof globalThis.gc === 'function') {
    // Two passes: the first can only queue finalizers that free more.
    globalThis.gc();
    globalThis.gc();
  }
  const memory = process.memoryUsage();
  const resources = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  const delay = {
    p50: loopDelay.percentile(50) / 1e6,
    p99: loopDelay.percentile(99) / 1e6,
    max: loopDelay.max / 1e6,
  };
  loopDelay.reset();
  return { at: Date.now(), gc: collect && typeof globalThis.gc === 'function', memory, fds: countFds(), resources, loopDelayMs: delay };
}

process.on('message', (message) => {
  if (message && message.kind === 'sample') report({ kind: 'sample', id: message.id, sample: sample(message.gc === true) });
});
// A server whose test process is gone (killed, crashed) must not live on: it shuts down as on SIGTERM.
process.on('disconnect', () => {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 20_000).unref();
});
// The channel must not keep a server alive that is otherwise done.
process.channel?.unref();
