import 'aws-sdk-client-mock-jest';

// The handlers log through Powertools straight to stdout (its own Console, not jest's): quiet by
// default, so hundreds of test files do not print every decision. A test about the lines sets
// POWERTOOLS_LOG_LEVEL before the first invocation (the Logger is made on first use, once per test
// file) and captures them through a sink (lambdas/observability/log-sink.ts) or the sandbox.
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
