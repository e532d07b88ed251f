import { SimClock } from '../../../sandbox/clock';

describe('SimClock', () => {
  it('divides simulated durations by its speed', () => {
    const clock = new SimClock({ speed: 100 });
    expect(clock.realMs(300_000)).toBe(3_000);
    expect(clock.realMs(-5)).toBe(0);
    clock.stop();
  });

  it('refuses a speed that is not a positive number', () => {
    expect(() => new SimClock({ speed: 0 })).toThrow(RangeError);
    expect(() => new SimClock({ speed: Number.NaN })).toThrow(/positive number/);
  });

  it('runs scheduled work after the simulated delay, and stop() clears timers and wakes sleepers', async () => {
    const clock = new SimClock({ speed: 1000 });
    const seen: string[] = [];
    clock.schedule(5_000, () => seen.push('scheduled'));
    const never = clock.schedule(10_000_000, () => seen.push('never'));
    await clock.sleep(10_000);
    expect(seen).toEqual(['scheduled']);
    never();
    const pending = clock.sleep(10_000_000).then(() => seen.push('woken'));
    clock.stop();
    await pending;
    expect(seen).toEqual(['scheduled', 'woken']);
    // After stop nothing new is scheduled.
    clock.schedule(0, () => seen.push('late'));
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual(['scheduled', 'woken']);
  });

  it('maps instants both ways around its anchor, and reads now on the simulated side', () => {
    const anchor = Date.now() - 1_000;
    const clock = new SimClock({ speed: 60, anchor });
    expect(clock.toSimulated(anchor + 1_000)).toBe(anchor + 60_000);
    expect(clock.toReal(anchor + 60_000)).toBe(anchor + 1_000);
    expect(clock.toReal(clock.toSimulated(anchor - 500))).toBe(anchor - 500);
    // A second of real time has passed since the anchor: a simulated minute or a little more.
    const now = clock.now();
    expect(Number.isInteger(now)).toBe(true);
    expect(now).toBeGreaterThanOrEqual(anchor + 59_000);
    expect(new SimClock({ speed: 1, anchor }).toSimulated(anchor + 1_234)).toBe(anchor + 1_234);
    clock.stop();
  });
});
