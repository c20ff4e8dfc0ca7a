import { getPriority, setPriority } from 'node:os';

/**
 * Lowers this thread's scheduling priority (nice value), best effort, and
 * returns what restores it. On a 2-core machine the test's own clients compete
 * with the server being measured; at a lower priority they act as if they were
 * on other machines. Threads and processes started meanwhile inherit it.
 */
export function lowerThisThread(nice = 10): () => void {
  let before: number | null = null;
  try {
    before = getPriority();
    setPriority(Math.max(before, nice));
  } catch {
    before = null;
  }
  return () => {
    try {
      if (before !== null) setPriority(before);
    } catch {
      // Without the right to raise it again, this thread stays lower for the rest of the run.
    }
  };
}
