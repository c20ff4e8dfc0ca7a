import { diffProtocols } from './protocol-drift.js';
import { readProtocol } from './protocol-model.js';
import { readSnapshot, renderClient } from './render-client.js';

/** The generated file for an AsyncAPI document (already parsed from JSON). */
export function generateClient(document: unknown): string {
  return renderClient(readProtocol(document));
}

/** What `--check` found: nothing (up to date), or why the file on disk differs from what the document gives. */
export interface DriftReport {
  upToDate: boolean;
  /** One line per change, naming the message type and field; empty when only the file's text differs. */
  changes: string[];
}

/**
 * Compares a generated file with what the document gives now. The semantic
 * changes come from the protocol snapshot at the end of the file, so the
 * report names message types and fields rather than lines of code.
 */
export function checkClient(existing: string | null, document: unknown): DriftReport {
  const wanted = generateClient(document);
  if (existing === wanted) return { upToDate: true, changes: [] };
  const before = existing === null ? null : readSnapshot(existing);
  if (!before) return { upToDate: false, changes: ['the file is missing, or was not written by this generator'] };
  return { upToDate: false, changes: diffProtocols(before, readProtocol(document)) };
}
