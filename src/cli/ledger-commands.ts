// The commands that open the store or run the gateway. main.ts loads this module only when one
// of them runs, so the admin commands start without loading the whole server.
import { ALL_PROJECTIONS } from '../../projections/index.ts';
import { loadSettings } from '../config/settings.ts';
import { validateEventPayload } from '../domain/events.ts';
import { openSqlClient, openStore } from '../ledger/open-store.ts';
import { ProjectionRunner } from '../ledger/sql/projection-runner.ts';
import { verifyLog } from '../ledger/sql/verify-log.ts';
import { startGateway } from '../server.ts';
import { progressBar } from './progress.ts';

export async function serve(_args: string[] = []): Promise<number> {
  const gateway = await startGateway(loadSettings());
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await gateway.close();
  return 0;
}

export async function verify(args: string[]): Promise<number> {
  const settings = loadSettings();
  const client = await openSqlClient(settings.store);
  const bar = progressBar('verify');
  try {
    const report = await verifyLog(client, (done, total) => bar.update(done, total));
    bar.finish();
    if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report)}\n`);
    else if (report.ok) process.stdout.write(`ok: ${report.eventsChecked} events in ${report.streamsChecked} streams verified\n`);
    else {
      const problem = report.problem!;
      process.stdout.write(`FAILED at position ${problem.position}, stream ${problem.streamId} version ${problem.version}: `
        + `${problem.code}: ${problem.message}\n`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await client.close();
  }
}

export async function projections(args: string[]): Promise<number> {
  const [action, name] = args;
  if (action !== 'rebuild') {
    process.stderr.write('usage: lumen projections rebuild [NAME]\n');
    return 2;
  }
  const chosen = ALL_PROJECTIONS.filter((projection) => name === undefined || projection.name === name);
  if (chosen.length === 0) throw new Error(`no projection named ${name}`);
  const { store, sql } = await openStore(loadSettings().store, validateEventPayload);
  try {
    const runner = new ProjectionRunner(store, sql, chosen);
    const [{ count }] = await sql.query<{ count: string }>('select count(*)::text as count from lumen_events') as [{ count: string }];
    const bar = progressBar(`rebuild ${chosen.map((projection) => projection.name).join(', ')}`);
    const started = Date.now();
    for (const projection of chosen) await runner.reset(projection);
    await runner.catchUp(chosen, (read) => bar.update(read, Number(count)));
    bar.finish();
    process.stdout.write(`rebuilt ${chosen.length} projection(s) from ${count} events in ${Date.now() - started} ms\n`);
    return 0;
  } finally {
    await store.close();
  }
}
