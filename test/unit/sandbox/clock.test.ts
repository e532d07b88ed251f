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
});
