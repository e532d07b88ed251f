import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlloySyntaxError, describeAlloyConfig } from '../../../../core/alloy';

const reference = (name: string) =>
  readFileSync(join(__dirname, '../../../fixtures/alloy/reference', name), 'utf8');

describe('describeAlloyConfig on configs it did not render', () => {
  it('reads file sources, external labels and a missing metrics pipeline', () => {
    const summary = describeAlloyConfig(reference('testdata-integration-loki-file.alloy'));
    expect(summary.logs).toEqual({
      source: 'file-tail',
      pushUrl: 'http://loki:3100/loki/api/v1/push',
      tenantId: null,
      auth: 'none',
      staticLabels: { test_name: 'readlogfile' },
      mapped: { containerName: false, taskId: false, level: false },
      dockerTaskFilter: false,
      containers: null,
      levelFallback: null,
      multiline: [],
      trimsTrailingNewline: false,
      dropsStreamLabel: false,
      dropsEmptyLines: false,
    });
    expect(summary.metrics).toMatchObject({
      scrapeAddress: null,
      scrapePath: null,
      remoteWriteUrl: null,
      taskIdMapped: false,
    });
  });

  it('reads a docker source with an unfiltered discovery as not task-scoped', () => {
    const summary = describeAlloyConfig(reference('testdata-integration-loki-docker.alloy'));
    expect(summary.logs.source).toBe('docker-api');
    expect(summary.logs.dockerTaskFilter).toBe(false);
    expect(summary.logs.mapped.containerName).toBe(false);
  });

  it('reads basic auth and a tenant from loki.write', () => {
    const summary = describeAlloyConfig(reference('testdata-promtail-remote-write-basic-auth.alloy'));
    expect(summary.logs).toMatchObject({
      auth: 'basic',
      tenantId: 'sparrow',
      staticLabels: { cluster: 'backyard-pine-treehouse-1', host: 'strawberry-pi' },
    });
  });

  it('reads a static scrape target, its default path and remote write endpoint', () => {
    const summary = describeAlloyConfig(reference('testdata-prometheus-metric-relabel.alloy'));
    expect(summary.metrics).toMatchObject({
      scrapeAddress: 'localhost:9090',
      scrapePath: '/metrics',
      jobName: 'prometheus1',
      remoteWriteUrl: 'http://remote-write-url1',
      sigv4Region: null,
    });
  });

  it("tells Alloy's own scrape (prometheus.exporter.self) from the application's, in any order", () => {
    const summary = describeAlloyConfig(`
prometheus.exporter.self "alloy" {}

prometheus.scrape "alloy" {
  targets    = prometheus.exporter.self.alloy.targets
  job_name   = "ignored"
  forward_to = [prometheus.remote_write.amp.receiver]
}

prometheus.scrape "app" {
  targets    = [{"__address__" = "127.0.0.1:9090"}]
  job_name   = "temporal"
  forward_to = [prometheus.remote_write.amp.receiver]
}

prometheus.remote_write "amp" {
  endpoint {
    url = "http://amp/api/v1/remote_write"
  }
}
`);
    expect(summary.metrics).toMatchObject({
      scrapeAddress: '127.0.0.1:9090',
      jobName: 'temporal',
      selfJobName: 'integrations/self',
    });
  });

  it('reports no self job when nothing scrapes prometheus.exporter.self', () => {
    const summary = describeAlloyConfig(reference('testdata-prometheus-metric-relabel.alloy'));
    expect(summary.metrics.selfJobName).toBeNull();
  });

  it('reads the scrape interval, timeout and a fixed instance label of a static target', () => {
    const summary = describeAlloyConfig(`
prometheus.scrape "app" {
  targets         = [{"__address__" = "127.0.0.1:9090", "instance" = "localhost:9090"}]
  job_name        = "temporal"
  scrape_interval = "15s"
  scrape_timeout  = "5s"
  forward_to      = []
}
`);
    expect(summary.metrics).toMatchObject({
      scrapeAddress: '127.0.0.1:9090',
      instanceLabel: 'localhost:9090',
      jobName: 'temporal',
      scrapeInterval: '15s',
      scrapeTimeout: '5s',
    });
  });

  it('reads a fixed instance label set by a discovery.relabel rule (bridge mode)', () => {
    const summary = describeAlloyConfig(`
discovery.docker "task" { host = "unix:///var/run/docker.sock" }
discovery.relabel "metrics" {
  targets = discovery.docker.task.targets
  rule {
    source_labels = ["__meta_docker_network_ip"]
    regex         = "(.+)"
    target_label  = "__address__"
    replacement   = "$1:9090"
  }
  rule {
    target_label = "instance"
    replacement  = "localhost:9090"
  }
}
prometheus.scrape "app" {
  targets    = discovery.relabel.metrics.output
  forward_to = []
}
`);
    expect(summary.metrics).toMatchObject({
      scrapeAddress: null,
      discoveredPort: 9090,
      instanceLabel: 'localhost:9090',
      scrapeInterval: null,
      scrapeTimeout: null,
    });
  });

  it('reports no instance label when the target sets none', () => {
    const summary = describeAlloyConfig(reference('testdata-prometheus-metric-relabel.alloy'));
    expect(summary.metrics.instanceLabel).toBeNull();
  });

  it('throws a syntax error for text that is not Alloy', () => {
    expect(() => describeAlloyConfig("loki.write 'x' {}")).toThrow(AlloySyntaxError);
  });
});

describe('describeAlloyConfig on the line-shaping stages', () => {
  const pipeline = (source: string, stages: string) => `
discovery.docker "ecs_task" { host = "unix:///var/run/docker.sock" }
${source} "logs" {
  targets    = discovery.docker.ecs_task.targets
  forward_to = [loki.process.logs.receiver]
}
loki.process "logs" {
  forward_to = [loki.write.loki.receiver]
${stages}
}
loki.write "loki" {
  endpoint { url = "http://loki:3100/loki/api/v1/push" }
}
`;

  it('reads the level fallback, per-container multi-line, newline, stream and empty-line stages', () => {
    const text = pipeline(
      'loki.source.file',
      `
  stage.docker {}
  stage.label_drop { values = ["filename", "stream"] }
  stage.replace {
    expression = "(\\\\r?\\\\n)$"
    replace    = ""
  }
  stage.drop { expression = "^$" }
  stage.match {
    selector = "{container_name=~\\"history|matching\\"}"
    stage.multiline {
      firstline     = "^\\\\d{4}-"
      max_wait_time = "2s"
    }
  }
  stage.match {
    selector = "{container_name=\\"frontend\\"}"
    stage.multiline { firstline = "^\\\\{" }
  }
  stage.json { expressions = { level = "level" } }
  stage.template {
    source   = "level"
    template = "{{ if .Value }}{{ .Value }}{{ else }}unknown{{ end }}"
  }
  stage.labels { values = { level = "" } }`,
    );
    expect(describeAlloyConfig(text).logs).toMatchObject({
      source: 'file-tail',
      levelFallback: 'unknown',
      multiline: [
        { containers: ['history', 'matching'], firstline: '^\\d{4}-', maxWaitTime: '2s' },
        { containers: ['frontend'], firstline: '^\\{', maxWaitTime: null },
      ],
      trimsTrailingNewline: true,
      dropsStreamLabel: true,
      dropsEmptyLines: true,
    });
  });

  it('reads a file-tail pipeline without those stages as keeping newline, stream and empty lines', () => {
    const text = pipeline('loki.source.file', '  stage.docker {}\n  stage.multiline { firstline = "^x" }');
    expect(describeAlloyConfig(text).logs).toMatchObject({
      levelFallback: null,
      multiline: [{ containers: null, firstline: '^x', maxWaitTime: null }],
      trimsTrailingNewline: false,
      dropsStreamLabel: false,
      dropsEmptyLines: false,
    });
  });

  it('skips a multi-line stage behind a selector it cannot read, and a drop action', () => {
    const text = pipeline(
      'loki.source.docker',
      `
  stage.match {
    selector = "{app=\\"x\\"} |= \\"y\\""
    stage.multiline { firstline = "^a" }
  }
  stage.match {
    selector = "{container_name=\\"x\\"}"
    action   = "drop"
  }
  stage.template {
    source   = "level"
    template = "{{ or .Value \\"none\\" }}"
  }`,
    );
    expect(describeAlloyConfig(text).logs).toMatchObject({
      source: 'docker-api',
      levelFallback: 'none',
      multiline: [],
      trimsTrailingNewline: true,
      dropsStreamLabel: true,
      dropsEmptyLines: true,
    });
  });
});
