import { InputInvalidError } from '../../../../core/errors';
import {
  collectorOf,
  diffTaskDefinitions,
  isAdotImage,
  logDriverOf,
  readTaskDefinition,
  toRegisterInput,
  type TaskDefinitionInput,
} from '../../../../core/taskdef';
import { example, fixture } from './helpers';

describe('isAdotImage', () => {
  it.each([
    ['public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0', true],
    ['public.ecr.aws/aws-observability/aws-otel-collector', true],
    ['amazon/aws-otel-collector:latest', true],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/aws-otel-collector:intg', true],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/aws-otel-collector@sha256:0123abcd', true],
    ['otel/opentelemetry-collector:0.100.0', false],
    ['example/not-aws-otel-collector:1', false],
    ['grafana/alloy:v1.18.1', false],
  ])('%s -> %s', (image, expected) => {
    expect(isAdotImage(image)).toBe(expected);
  });
});

describe('collectorOf / logDriverOf', () => {
  it('reads the described and the register shapes alike', () => {
    expect(collectorOf(example('history'))).toBe('adot');
    expect(logDriverOf(example('history'))).toBe('awslogs');
    expect(collectorOf(fixture('temporal-history.json'))).toBe('adot');
  });

  it('says none and mixed when it should', () => {
    const td: TaskDefinitionInput = {
      family: 'f',
      containerDefinitions: [
        { name: 'a', image: 'x', logConfiguration: { logDriver: 'awslogs' } },
        { name: 'b', image: 'y', logConfiguration: { logDriver: 'json-file' } },
        { name: 'c', image: 'z' },
      ],
    };
    expect(collectorOf(td)).toBe('none');
    expect(logDriverOf(td)).toBe('mixed');
    expect(logDriverOf(td, ['a'])).toBe('awslogs');
    expect(logDriverOf(td, ['b'])).toBe('json-file');
    expect(logDriverOf(td, ['c'])).toBe('none');
    expect(
      logDriverOf({
        ...td,
        containerDefinitions: [{ name: 'a', logConfiguration: { logDriver: 'fluentd' } }],
      }),
    ).toBe('mixed');
  });
});

describe('toRegisterInput', () => {
  it('drops the read-only fields, moves tags in and keeps the order of the rest', () => {
    const described = example('worker');
    const input = toRegisterInput(described);
    for (const key of [
      'taskDefinitionArn',
      'revision',
      'status',
      'requiresAttributes',
      'compatibilities',
      'registeredAt',
      'registeredBy',
    ]) {
      expect(input).not.toHaveProperty(key);
    }
    expect(input.tags).toEqual((described as { tags: unknown }).tags);
    expect(Object.keys(input).slice(0, 4)).toEqual([
      'family',
      'taskRoleArn',
      'executionRoleArn',
      'networkMode',
    ]);
  });

  it('returns a copy of a register-shaped input', () => {
    const td = fixture('temporal-frontend.json');
    const copy = toRegisterInput(td);
    expect(copy).toEqual(td);
    expect(copy).not.toBe(td);
    expect(toRegisterInput({ taskDefinition: { family: 'f', containerDefinitions: [] }, tags: [] })).toEqual({
      family: 'f',
      containerDefinitions: [],
    });
  });
});

describe('readTaskDefinition', () => {
  it('accepts both shapes and returns the document itself', () => {
    const doc = fixture('tdr-frontend-fargate.json');
    expect(readTaskDefinition(doc, 'tdr.json')).toBe(doc);
    expect(() => readTaskDefinition(example('history'), 'history.json')).not.toThrow();
  });

  it('names every wrong field', () => {
    const bad = {
      family: '',
      containerDefinitions: [{ name: 'a', links: 'b' }, { image: 'x' }, { name: 'a', logConfiguration: {} }],
      volumes: {},
    };
    expect(() => readTaskDefinition(bad, 'bad.json')).toThrow(InputInvalidError);
    try {
      readTaskDefinition(bad, 'bad.json');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('bad.json');
      expect(message).toContain('family: expected a non-empty string');
      expect(message).toContain('containerDefinitions[0].links: expected a list');
      expect(message).toContain('containerDefinitions[1].name: expected a non-empty string');
      expect(message).toContain('containerDefinitions[2].name: container "a" is listed twice');
      expect(message).toContain(
        'containerDefinitions[2].logConfiguration: expected a mapping with a "logDriver" string',
      );
      expect(message).toContain('volumes: expected a list');
    }
    expect(() => readTaskDefinition([], 'list.json')).toThrow(
      /list\.json: expected a task definition \(a JSON object\), got a list/,
    );
    expect(() => readTaskDefinition({ taskDefinition: { family: 'f' } }, 'd.json')).toThrow(
      /taskDefinition\.containerDefinitions/,
    );
  });
});

describe('diffTaskDefinitions', () => {
  const before: TaskDefinitionInput = {
    family: 'f',
    containerDefinitions: [
      { name: 'a', image: 'x:1', environment: [{ name: 'K', value: '1' }] },
      { name: 'b', image: 'y:1' },
    ],
  };

  it('is empty for equal definitions', () => {
    expect(diffTaskDefinitions(before, structuredClone(before))).toBe('');
  });

  it('addresses containers and environment by name, one line per change, in document order', () => {
    const after: TaskDefinitionInput = {
      family: 'f',
      containerDefinitions: [
        {
          name: 'a',
          image: 'x:2',
          environment: [
            { name: 'K', value: '1' },
            { name: 'L', value: '' },
          ],
        },
        { name: 'c', image: 'z:1' },
      ],
      volumes: [],
    };
    expect(diffTaskDefinitions(before, after)).toBe(
      [
        '~ containers: a, b -> a, c',
        '~ containerDefinitions[a].image: "x:1" -> "x:2"',
        '+ containerDefinitions[a].environment[L].name: "L"',
        '+ containerDefinitions[a].environment[L].value: ""',
        '- containerDefinitions[b].name: "b"',
        '- containerDefinitions[b].image: "y:1"',
        '+ containerDefinitions[c].name: "c"',
        '+ containerDefinitions[c].image: "z:1"',
        '+ volumes: []',
        '',
      ].join('\n'),
    );
  });

  it('reports a moved container once, by its order and its changed fields only', () => {
    const after: TaskDefinitionInput = {
      family: 'f',
      containerDefinitions: [
        { name: 'b', image: 'y:1' },
        { ...before.containerDefinitions[0], name: 'a', image: 'x:2' },
      ],
    };
    expect(diffTaskDefinitions(before, after)).toBe(
      '~ containers: a, b -> b, a\n~ containerDefinitions[a].image: "x:1" -> "x:2"\n',
    );
  });

  it('tells repeated names apart', () => {
    const twice: TaskDefinitionInput = {
      family: 'f',
      containerDefinitions: [
        {
          name: 'a',
          environment: [
            { name: 'K', value: '1' },
            { name: 'K', value: '2' },
          ],
        },
      ],
    };
    const once: TaskDefinitionInput = {
      family: 'f',
      containerDefinitions: [{ name: 'a', environment: [{ name: 'K', value: '1' }] }],
    };
    expect(diffTaskDefinitions(twice, once)).toBe(
      '- containerDefinitions[a].environment[K].name: "K"\n- containerDefinitions[a].environment[K].value: "2"\n',
    );
  });

  it('handles large definitions (thousands of lines)', () => {
    const big = (tag: string): TaskDefinitionInput => ({
      family: 'f',
      containerDefinitions: Array.from({ length: 20 }, (_, c) => ({
        name: `c${c}`,
        environment: Array.from({ length: 200 }, (_, e) => ({
          name: `E${e}`,
          value: e % 50 === 0 ? tag : 'same',
        })),
      })),
    });
    const lines = diffTaskDefinitions(big('one'), big('two')).trim().split('\n');
    expect(lines).toHaveLength(20 * 4);
    expect(lines[0]).toBe('~ containerDefinitions[c0].environment[E0].value: "one" -> "two"');
  });
});
