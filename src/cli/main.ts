import { ModcapError } from '../errors.ts';
import { ANOMALIES_USAGE, anomaliesCommand } from './anomalies.ts';
import { demoCommand } from './demo.ts';
import { EXPLAIN_USAGE, explainCommand } from './explain.ts';
import { forecastCommand } from './forecast.ts';
import { KEYS_USAGE, keysCommand } from './keys.ts';
import { PLAN_USAGE, planCommand } from './plan.ts';
import { RUN_USAGE, runCommand } from './run.ts';
import { SERVE_USAGE, serveCommand } from './serve.ts';
import { WORKER_USAGE, workerCommand } from './worker.ts';

const USAGE = `modcap — forecast moderation volume and plan reviewer capacity

Usage:
  modcap forecast --input FILE --horizon 8w [--events FILE] [--levels 80,95] [--out DIR]
                  [--tz ZONE] [--preset fast|full] [--models snaive,ar,...] [--workers N]
                  [--no-clean]
  modcap demo [--out DIR]        the whole path on the demo data (data/demo): report at out/report.html
  modcap help

Durations: 48h, 14d, 8w (converted to steps of each series' grid).
Presets: fast (default: seasonal naive, seasonal AR, Theta, MSTL, regression when events/holidays/
yearly cycles apply, Croston/TSB for intermittent counts) or full (adds ETS, always regression; slower).
History is cleaned before fitting (anomalies not explained by an event become gaps); --no-clean fits it raw.
Model families for --models: snaive, ar, ets, mstl, theta, regression, croston, tsb.

${ANOMALIES_USAGE}

${EXPLAIN_USAGE}

${PLAN_USAGE}

${RUN_USAGE}

${SERVE_USAGE}

${WORKER_USAGE}

${KEYS_USAGE}`;

/** Runs the CLI with argv (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'forecast':
        return await forecastCommand(rest);
      case 'demo':
        return await demoCommand(rest);
      case 'anomalies':
        return await anomaliesCommand(rest);
      case 'explain':
        return await explainCommand(rest);
      case 'plan':
        return await planCommand(rest);
      case 'run':
        return await runCommand(rest);
      case 'serve':
        return await serveCommand(rest);
      case 'worker':
        return await workerCommand(rest);
      case 'keys':
        return await keysCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        console.error(`modcap: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof ModcapError) {
      console.error(`modcap: error ${e.code}: ${e.message}`);
      const errors = (e.details as { errors?: unknown[] }).errors;
      if (Array.isArray(errors) && errors.length > 1) console.error(`  (${errors.length} problems in all)`);
      // a configuration's problems are few and each names its field: list them all, one a line
      const issues = (e.details as { issues?: { path: string; reason: string; value?: unknown }[] }).issues;
      if (Array.isArray(issues) && issues.length > 1) {
        for (const i of issues.slice(0, 50))
          console.error(
            `  - ${i.path}: ${i.reason}${i.value === undefined ? '' : ` (got ${JSON.stringify(i.value)?.slice(0, 60)})`}`,
          );
        if (issues.length > 50) console.error(`  - and ${issues.length - 50} more`);
      }
      console.error(`  how to solve: ${e.hint}`);
      return 2;
    }
    if (e instanceof TypeError && (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`modcap: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
