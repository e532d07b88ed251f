import { App } from 'aws-cdk-lib';
import { AlloyRolloutStack } from '../../infra/stack';

describe('AlloyRolloutStack', () => {
  it('refuses to deploy Loki when nothing names the cluster it runs in', () => {
    expect(
      () =>
        new AlloyRolloutStack(new App(), 'S', {
          env: { region: 'eu-west-1' },
          orchestrator: { taskRoleArns: ['arn:aws:iam::123456789012:role/task'] },
          network: {
            vpcId: 'vpc-0123456789abcdef0',
            subnetIds: ['subnet-0123456789abcdef0'],
            securityGroupIds: ['sg-0123456789abcdef0'],
          },
          loki: {
            ecsInstanceSecurityGroupId: 'sg-0123456789abcdef1',
            serviceConnectNamespace: 'temporal-dev',
          },
        }),
    ).toThrow(/loki: expected the plan \(or target\) to name the ECS cluster Loki runs in/);
  });
});
