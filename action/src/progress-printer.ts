import type { Progress } from '../../core/execution';
import { compact } from './outcome';
import type { ActionIO } from './types';

const ICONS: Record<Progress['status'], string> = {
  ok: '✓',
  pending: '…',
  failed: '✗',
  skipped: '↷',
  info: '•',
};
/** Progress without a service belongs to the rollout as a whole (lock, preflight, Loki, finalize). */
const ROLLOUT_GROUP = 'rollout';

export function formatProgress(progress: Progress): string[] {
  const line = `${ICONS[progress.status]} ${progress.step}${progress.message ? `: ${progress.message}` : ''}`;
  // Pending polls repeat; their evidence is shown once the check settles.
  if (progress.evidence === undefined || progress.status === 'pending') return [line];
  return [line, `    evidence: ${compact(progress.evidence, 600)}`];
}

/**
 * Prints steps as they happen, one log group per service. Services are migrated one at a time, so
 * a group stays open until the next service (or the rollout itself) reports.
 */
export class ProgressPrinter {
  private group: string | undefined;
  private lastLine: string | undefined;

  constructor(private readonly io: ActionIO) {}

  /** Prints the step; false when it only repeated the line before it (nothing printed). */
  progress(progress: Progress): boolean {
    const lines = formatProgress(progress);
    this.enter(progress.service ?? ROLLOUT_GROUP);
    // A poll that reports the same thing again adds nothing to the log.
    if (lines[0] === this.lastLine) return false;
    this.lastLine = lines[0];
    for (const line of lines) this.io.info(line);
    return true;
  }

  taskFailed(state: string | undefined, error: string, cause: string): void {
    this.enter(this.group ?? ROLLOUT_GROUP);
    this.lastLine = undefined;
    this.io.info(`✗ ${state ?? 'step'} failed: ${error}${cause ? `: ${compact(cause, 600)}` : ''}`);
  }

  close(): void {
    if (this.group !== undefined) this.io.endGroup();
    this.group = undefined;
    this.lastLine = undefined;
  }

  private enter(group: string): void {
    if (group === this.group) return;
    this.close();
    this.group = group;
    this.io.startGroup(group === ROLLOUT_GROUP ? 'rollout' : `service ${group}`);
  }
}
