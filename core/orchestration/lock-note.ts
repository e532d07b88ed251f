import type { Report } from '../report/types';

/**
 * What the end of a run says about the cluster lock. A run that never took the lock (refused by
 * it or before it, or a mode that takes none) says so, and never claims a release.
 */
export function lockNote(report: Pick<Report, 'mode' | 'lockHeld' | 'lockReleased'>): string {
  if (report.mode === 'verify') return 'no lock taken (read-only)';
  if (report.lockHeld === false)
    return report.mode === 'plan' ? 'no lock taken (dry run)' : 'no lock held by this run';
  return report.lockReleased ? 'lock released' : 'lock NOT released (expires by itself)';
}
