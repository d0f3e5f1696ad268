/**
 * Runs the fake scholarly web services on a local port.
 *   npx tsx scripts/fake-services.ts --records FILE --port N [--latency MS] [--rate-limits] [--faults JSON|@file]
 * Records: JSON array or JSON Lines of FakeRecord (tests/fake-services/records.ts).
 */
import { readFileSync } from 'node:fs';
import { FAKE_HOSTS, FAKE_ROUTES, loadRecords, startFakeServices, type FaultSpec } from '../tests/fake-services/server.ts';

interface CliOptions {
  records: string;
  port: number;
  latency: number;
  rateLimits: boolean;
  faults: FaultSpec;
  openAlexKeyOptional: boolean;
}

const USAGE = `usage: npx tsx scripts/fake-services.ts --records FILE [--port N] [--latency MS] [--rate-limits]
                                       [--faults JSON|@FILE] [--no-openalex-key]
  --records FILE       JSON array or JSON Lines of fake records (default tests/fixtures/fake-records/seed.json)
  --port N             port to listen on (default 8787; 0 picks a free one)
  --latency MS         delay before every answer
  --rate-limits        enforce each service's published rate and concurrency limits
  --faults JSON|@FILE  e.g. '{"crossref":{"status500":{"times":2}},"ncbi":{"rate429":{"retryAfter":2}}}'
  --no-openalex-key    answer OpenAlex without api_key (the real service requires one since 2026-02)`;

function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = {
    records: 'tests/fixtures/fake-records/seed.json',
    port: 8787,
    latency: 0,
    rateLimits: false,
    faults: {},
    openAlexKeyOptional: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--records':
        opts.records = value();
        break;
      case '--port':
        opts.port = Number(value());
        break;
      case '--latency':
        opts.latency = Number(value());
        break;
      case '--rate-limits':
        opts.rateLimits = true;
        break;
      case '--faults': {
        const v = value();
        opts.faults = JSON.parse(v.startsWith('@') ? readFileSync(v.slice(1), 'utf8') : v) as FaultSpec;
        break;
      }
      case '--no-openalex-key':
        opts.openAlexKeyOptional = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0) throw new Error('--port must be a non-negative integer');
  if (!Number.isFinite(opts.latency) || opts.latency < 0) throw new Error('--latency must be a non-negative number');
  return opts;
}

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const records = loadRecords(opts.records);
  const fake = await startFakeServices({
    records,
    port: opts.port,
    latencyMs: opts.latency,
    rateLimits: opts.rateLimits,
    faults: opts.faults,
    requireOpenAlexKey: !opts.openAlexKeyOptional,
  });
  const base = `http://127.0.0.1:${fake.port}`;
  console.log(`fake-services listening on ${base} with ${records.length} records from ${opts.records}`);
  console.log(`latency ${opts.latency} ms, rate limits ${opts.rateLimits ? 'enforced' : 'off'}, faults ${JSON.stringify(opts.faults)}`);
  console.log(`hosts: ${FAKE_HOSTS.join(', ')}`);
  console.log('routes (send the real URL with its Host header, through this port as an HTTP proxy, or as');
  console.log(`${base}/<host>/<path>, e.g. ${base}/api.crossref.org/works/10.1056/NEJMoa1914609):`);
  for (const route of FAKE_ROUTES) console.log(`  ${route}`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
