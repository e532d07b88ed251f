import { validateAlloy } from '../../../../core/alloy';

const messages = (text: string) => validateAlloy(text).errors.map((e) => e.message);

describe('validateAlloy', () => {
  it('reports a syntax error as a diagnostic instead of throwing', () => {
    expect(validateAlloy("loki.write 'x' {}")).toEqual({
      errors: [{ message: 'illegal single-quoted string; use double quotes', line: 1, column: 12 }],
      warnings: [],
    });
  });

  it('rejects attributes at the top level, labels on nested blocks and labels on config blocks', () => {
    expect(messages('targets = []')).toEqual([
      'attribute "targets" is not allowed at the top level of a configuration; only blocks are',
    ]);
    expect(messages('loki.write "a" {\n  endpoint "x" {\n    url = "u"\n  }\n}')).toEqual([
      'block "endpoint" in loki.write does not take a label',
    ]);
    expect(messages('logging "x" {}')).toEqual(['block "logging" does not take a label']);
  });

  it('rejects attributes used as blocks and blocks given twice when only one is allowed', () => {
    expect(messages('loki.write "a" {\n  external_labels {}\n}')).toEqual([
      '"external_labels" must be an attribute, but is used as a block in loki.write',
    ]);
    expect(
      messages(
        'otelcol.exporter.otlp "a" {\n  client {\n    endpoint = "x"\n  }\n  client {\n    endpoint = "y"\n  }\n}',
      ),
    ).toEqual(['block "client" may only be provided once in otelcol.exporter.otlp']);
  });

  it('checks literal types of attributes', () => {
    const text = [
      'discovery.docker "d" {',
      '  host = 5',
      '  port = "80"',
      '  match_first_network = "yes"',
      '  filter {',
      '    name = "label"',
      '    values = "one"',
      '  }',
      '}',
    ].join('\n');
    expect(messages(text)).toEqual([
      'discovery.docker.host expects a string, got number 5',
      'discovery.docker.port expects a number, got string "80"',
      'discovery.docker.match_first_network expects true or false, got string "yes"',
      'discovery.docker.filter.values expects a list of strings, got string "one"',
    ]);
  });

  it('checks that targets are targets, not receivers', () => {
    const text =
      'loki.write "w" {}\nloki.source.file "f" {\n  targets = loki.write.w.receiver\n  forward_to = []\n}';
    expect(messages(text)).toEqual([
      'loki.source.file.targets expects a list of targets, but loki.write.w.receiver is loki.LogsReceiver',
    ]);
  });

  it('reports unknown standard library values and identifiers', () => {
    expect(messages('logging {\n  level = constants.platform\n}')).toEqual([
      expect.stringContaining('unknown standard library value "constants.platform"'),
    ]);
    expect(messages('logging {\n  level = nothing\n}')).toEqual([
      'component "nothing" does not exist or is out of scope',
    ]);
  });

  it('accepts durations with Prometheus units and rejects prose', () => {
    expect(messages('local.file_match "m" {\n  path_targets = []\n  sync_period = "1h30m"\n}')).toEqual([]);
    expect(messages('local.file_match "m" {\n  path_targets = []\n  sync_period = "10"\n}')).toEqual([
      expect.stringContaining('"10" is not a valid duration'),
    ]);
  });

  it('warns about every deprecated un-namespaced function', () => {
    const result = validateAlloy('logging {\n  level = trim_space(format("%s", "info"))\n}');
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'standard library function "trim_space" is deprecated; use "string.trim_space" instead',
      'standard library function "format" is deprecated; use "string.format" instead',
    ]);
  });
});
