/** One line in a container's json-file log: when it was written, its text, its level when it is JSON. */
export interface LogEntry {
  readonly timeMs: number;
  readonly line: string;
  /** Absent for a line that is not JSON (Alloy's stage.json then sets no level label). */
  readonly level?: string;
}

/**
 * Lines a reader may leave unread before rotation removes the oldest: about what `max-size 10m`
 * times `max-file 5` holds at the simulated lines' size. Far beyond any outage the faults make.
 */
const MAX_UNREAD_LINES = 50_000;

/**
 * A container's json-file log as a reader with a stored position sees it (Alloy's
 * loki.source.docker or loki.source.file): lines past the position wait until the reader reads
 * them, whenever that is, and keep the time they were written. Lines already read are dropped
 * (the sandbox keeps no copy), and rotation is approximated by dropping the oldest unread lines
 * beyond a cap.
 */
export class JsonFileLog {
  private unread: LogEntry[] = [];
  /** Every line the container wrote. */
  written = 0;
  /** Lines rotated away before the reader reached them. */
  rotatedAway = 0;

  constructor(
    readonly container: string,
    private readonly maxUnread = MAX_UNREAD_LINES,
  ) {}

  write(entries: readonly LogEntry[]): void {
    this.unread.push(...entries);
    this.written += entries.length;
    const excess = this.unread.length - this.maxUnread;
    if (excess > 0) {
      this.unread.splice(0, excess);
      this.rotatedAway += excess;
    }
  }

  /** The lines past the reader's position; the position moves to the end. */
  readPastPosition(): LogEntry[] {
    const lines = this.unread;
    this.unread = [];
    return lines;
  }
}
