/**
 * List prices used for the cost figures (us-east-1, on-demand, no free tier), as published by AWS
 * on the Step Functions and Lambda pricing pages.
 */
export const PRICES = {
  region: 'us-east-1',
  stepFunctionsStandardPerStateTransitionUsd: 0.025 / 1000,
  lambdaArmPerGbSecondUsd: 0.0000133334,
  lambdaPerRequestUsd: 0.2 / 1_000_000,
  note: 'us-east-1 list prices: Step Functions Standard $0.025 per 1,000 state transitions; Lambda on Arm (Graviton) $0.0000133334 per GB-second and $0.20 per 1M requests; free tiers ignored.',
} as const;

export interface Usage {
  readonly stateTransitions: number;
  readonly lambdaInvocations: number;
  readonly lambdaBilledMs: number;
}

export interface Cost {
  readonly stepFunctionsUsd: number;
  readonly lambdaComputeUsd: number;
  readonly lambdaRequestsUsd: number;
  readonly totalUsd: number;
}

export function costOf(usage: Usage, lambdaMemoryMb: number): Cost {
  const stepFunctionsUsd = usage.stateTransitions * PRICES.stepFunctionsStandardPerStateTransitionUsd;
  const gbSeconds = (usage.lambdaBilledMs / 1000) * (lambdaMemoryMb / 1024);
  const lambdaComputeUsd = gbSeconds * PRICES.lambdaArmPerGbSecondUsd;
  const lambdaRequestsUsd = usage.lambdaInvocations * PRICES.lambdaPerRequestUsd;
  return {
    stepFunctionsUsd,
    lambdaComputeUsd,
    lambdaRequestsUsd,
    totalUsd: stepFunctionsUsd + lambdaComputeUsd + lambdaRequestsUsd,
  };
}

/** Usage of a rollout of `services` services: the once-per-rollout part plus `services` times the per-service part. */
export function scaleUsage(fixed: Usage, perService: Usage, services: number): Usage {
  return {
    stateTransitions: fixed.stateTransitions + services * perService.stateTransitions,
    lambdaInvocations: fixed.lambdaInvocations + services * perService.lambdaInvocations,
    lambdaBilledMs: fixed.lambdaBilledMs + services * perService.lambdaBilledMs,
  };
}
