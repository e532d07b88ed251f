import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export function exampleTaskDefinition(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(path.join(ROOT, 'examples', 'task-definitions', `${name}.json`), 'utf8'),
  ) as Record<string, unknown>;
}

/** A small EC2 task definition: one app container on awslogs and an ADOT sidecar. */
export function adotTaskDefinition(family: string, group = `/ecs/test/${family}`): Record<string, unknown> {
  return {
    family,
    networkMode: 'bridge',
    requiresCompatibilities: ['EC2'],
    containerDefinitions: [
      {
        name: 'app',
        image: 'example/app:1',
        essential: true,
        memory: 256,
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': group, 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'app' },
        },
      },
      {
        name: 'adot-collector',
        image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
        essential: false,
        memory: 128,
      },
    ],
  };
}
