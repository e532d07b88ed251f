import { fitLine, largestWithin } from '../../../bench/capacity';
import { costOf, PRICES, scaleUsage } from '../../../bench/cost';

describe('cost at list prices', () => {
  it('prices transitions, GB-seconds at the configured memory, and requests', () => {
    const cost = costOf({ stateTransitions: 1000, lambdaInvocations: 1_000_000, lambdaBilledMs: 2000 }, 512);
    expect(cost.stepFunctionsUsd).toBeCloseTo(0.025, 10);
    expect(cost.lambdaComputeUsd).toBeCloseTo(1 * PRICES.lambdaArmPerGbSecondUsd, 12);
    expect(cost.lambdaRequestsUsd).toBeCloseTo(0.2, 10);
    expect(cost.totalUsd).toBeCloseTo(0.225 + PRICES.lambdaArmPerGbSecondUsd, 10);
  });

  it('scales a per-service usage onto a fixed one', () => {
    expect(
      scaleUsage(
        { stateTransitions: 10, lambdaInvocations: 4, lambdaBilledMs: 100 },
        { stateTransitions: 30, lambdaInvocations: 12, lambdaBilledMs: 500 },
        100,
      ),
    ).toEqual({
      stateTransitions: 3010,
      lambdaInvocations: 1204,
      lambdaBilledMs: 50100,
    });
  });
});

describe('execution capacity', () => {
  it('fits a line through two sizes and finds the largest count within a limit', () => {
    const fit = fitLine(2, 50, 202, 1250);
    expect(fit).toEqual({ fixed: 38, perService: 6 });
    expect(largestWithin(fit, 25_000)).toBe(Math.floor((25_000 - 38) / 6));
    expect(largestWithin({ fixed: 10, perService: 0 }, 100)).toBeNull();
    expect(() => fitLine(3, 1, 3, 2)).toThrow(/two different/);
  });
});
