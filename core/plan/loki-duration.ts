/**
 * Durations as Loki's config holds them: Prometheus' model.Duration (prometheus/common
 * model/time.go ParseDuration), units y, w, d, h, m, s, ms in that order, each at most once, and a
 * bare "0". Loki's `limits_config.retention_period` is such a value, and /config prints it with
 * the largest units that fit (744h reads back as "31d", 168h as "1w"), so values are compared as
 * durations, never as text.
 */
const MODEL_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
// model.Duration's units: a year is 365 days, a week 7 days.
const UNITS_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1] as const;

/** Milliseconds, or null when the text is not a Prometheus/Loki duration. */
export function parseLokiDuration(text: string): number | null {
  if (text === '0') return 0;
  const m = MODEL_DURATION.exec(text);
  if (!m || text === '') return null;
  let total = 0;
  UNITS_MS.forEach((unit, i) => {
    const part = m[i + 1];
    if (part !== undefined) total += Number(part) * unit;
  });
  return total;
}
