import { describe, expect, it } from 'vitest';
import { InMemoryClusterMailbox, MAX_MAILBOXES } from './in-memory-cluster-mailbox.js';

describe('InMemoryClusterMailbox', () => {
  it('keeps nothing when the option is off', () => {
    const mailbox = new InMemoryClusterMailbox(null);
    expect(mailbox.enabled).toBe(false);
    expect(mailbox.keep('alice', '{}')).toBe(false);
    expect(mailbox.take('alice')).toBeNull();
  });

  it('keeps messages per client in order and empties the mailbox when taken', () => {
    const mailbox = new InMemoryClusterMailbox({ size: 10, ttlMs: 60_000 });
    expect(mailbox.keep('alice', 'a1')).toBe(true);
    mailbox.keep('bob', 'b1');
    mailbox.keep('alice', 'a2');
    expect(mailbox.take('alice')).toEqual({ messages: ['a1', 'a2'], dropped: 0 });
    expect(mailbox.take('alice')).toBeNull();
    expect(mailbox.take('bob')).toEqual({ messages: ['b1'], dropped: 0 });
    expect(mailbox.size).toBe(0);
  });

  it('past the size drops the oldest and counts them', () => {
    const mailbox = new InMemoryClusterMailbox({ size: 3, ttlMs: 60_000 });
    for (let i = 1; i <= 2000; i++) mailbox.keep('alice', `m${i}`);
    expect(mailbox.take('alice')).toEqual({ messages: ['m1998', 'm1999', 'm2000'], dropped: 1997 });
  });

  it('drops and counts expired messages; forgets a mailbox whose every message expired', () => {
    let now = 1_000;
    const mailbox = new InMemoryClusterMailbox({ size: 10, ttlMs: 100 }, () => now);
    mailbox.keep('alice', 'old');
    now = 1_050;
    mailbox.keep('alice', 'new');
    now = 1_120;
    expect(mailbox.take('alice')).toEqual({ messages: ['new'], dropped: 1 });
    mailbox.keep('bob', 'x');
    now = 2_000;
    mailbox.sweep();
    expect(mailbox.size).toBe(0);
    expect(mailbox.take('bob')).toBeNull();
  });

  it(`holds at most ${MAX_MAILBOXES} clients' mailboxes`, () => {
    const mailbox = new InMemoryClusterMailbox({ size: 1, ttlMs: 60_000 });
    for (let i = 0; i < MAX_MAILBOXES; i++) mailbox.keep(`c${i}`, 'x');
    expect(mailbox.keep('one-more', 'x')).toBe(false);
    expect(mailbox.keep('c0', 'y')).toBe(true);
    mailbox.sweep();
  });
});
