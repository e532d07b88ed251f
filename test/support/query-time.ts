/**
 * The evaluation time a Prometheus or Loki instant query asks for, in epoch ms: AMP's `time` form
 * field (float seconds) or Loki's `time` parameter (nanoseconds); undefined when none was given.
 * Test stand-ins stamp their samples with it, as the real backends do.
 */
export function requestedTimeMs(url: URL, body: string | undefined): number | undefined {
  const time = new URLSearchParams(body ?? '').get('time') ?? url.searchParams.get('time');
  if (time === null) return undefined;
  return /^\d{16,}$/.test(time) ? Number(BigInt(time) / 1_000_000n) : Number(time) * 1000;
}
