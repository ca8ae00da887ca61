import { Option } from 'commander';
import { once } from 'node:events';
import fs from 'node:fs';
import readline from 'node:readline';
import type { ConflictPolicy, Counts, ImportSummary } from '../transfer/ndjson.js';
import { exportStore, importStore } from '../transfer/ndjson.js';
import { fail, program, wholeNumber, withDb } from './common.js';
import { Progress, count } from './progress.js';

function describeCounts(counts: Counts): string {
  return Object.entries(counts)
    .map(([kind, n]) => `${kind.replaceAll('_', ' ')}s ${count(n)}`)
    .join(', ');
}

program
  .command('export')
  .description(
    'Write the whole store (settings, accounts with their token hashes, API keys, end users, supporting documents and their files) as NDJSON, ' +
      'streaming; progress on stderr. The output holds credential hashes: keep it as safe as the database',
  )
  .option('--file <path>', 'write here instead of to stdout')
  .option('--chunk-size <rows>', 'rows per read', wholeNumber(1, 100_000), 1000)
  .action(async (options: { file?: string; chunkSize: number }) => {
    const out: NodeJS.WritableStream = options.file === undefined ? process.stdout : fs.createWriteStream(options.file);
    // A closed pipe or a full disk ends the export with an error instead of a crash.
    let failure: Error | undefined;
    out.on('error', (err: Error) => {
      failure = err;
    });
    const write = async (text: string): Promise<void> => {
      if (failure) throw failure;
      if (!out.write(text)) await once(out, 'drain');
    };
    const progress = new Progress();
    const counts = await withDb((db) =>
      exportStore(db, write, {
        chunkSize: options.chunkSize,
        onProgress: (rows, total) => progress.update(`export: ${count(rows)} / ${count(total)} rows (${Math.floor((100 * rows) / Math.max(total, 1))}%)`),
      }),
    );
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
    if (failure) throw failure;
    progress.done(`exported: ${describeCounts(counts)}`);
  });

program
  .command('import')
  .description(
    'Load an export (from stdin or --file) into the store, in batches, keeping list order and ids; progress on stderr. ' +
      'Rows the store already has unchanged are skipped, so re-running an interrupted import is safe',
  )
  .option('--file <path>', 'read this file instead of stdin')
  .addOption(
    new Option('--on-conflict <policy>', 'a row whose SID (or id) the store has with other content: stop, or keep the store’s row and go on')
      .choices(['fail', 'skip'])
      .default('fail'),
  )
  .option('--renumber', 'give imported end users new ids after the store’s own (for merging into a store that has end users); list order still holds')
  .option('--batch-size <rows>', 'rows per transaction', wholeNumber(1, 100_000), 500)
  .action(async (options: { file?: string; onConflict: ConflictPolicy; renumber?: boolean; batchSize: number }) => {
    if (options.file === undefined && process.stdin.isTTY) fail('import reads an export from stdin or --file; stdin is a terminal');
    const input = options.file === undefined ? process.stdin : fs.createReadStream(options.file);
    const size = options.file === undefined ? undefined : fs.statSync(options.file).size;
    const progress = new Progress();
    const summary = await withDb((db) =>
      importStore(db, readline.createInterface({ input, crlfDelay: Infinity }), {
        onConflict: options.onConflict,
        renumber: options.renumber === true,
        batchSize: options.batchSize,
        onProgress: (lines, bytes) =>
          progress.update(
            `import: ${count(lines)} lines` + (size ? ` (${Math.min(100, Math.floor((100 * bytes) / Math.max(size, 1)))}%)` : ''),
          ),
      }),
    );
    progress.done(describeImport(summary));
  });

function describeImport(summary: ImportSummary): string {
  const lines = [`imported: ${describeCounts(summary.inserted)}`];
  const present = Object.values(summary.present).reduce((a, b) => a + b, 0);
  const skipped = Object.values(summary.skipped).reduce((a, b) => a + b, 0);
  if (present > 0) lines.push(`already present, unchanged: ${describeCounts(summary.present)}`);
  if (skipped > 0) lines.push(`conflicts skipped (the store's rows kept): ${describeCounts(summary.skipped)}`);
  if (summary.keptSettings.includes('page_token_secret')) {
    lines.push(
      'the store already had its own page-token secret and keeps it: page tokens handed out by the exporting store ' +
        'will be refused here (clients start their listing again)',
    );
  }
  return lines.join('\n');
}

