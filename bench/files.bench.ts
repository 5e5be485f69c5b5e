// Just the file cases of `npm run bench` (bench/lib/files.ts): fromFileSync /
// saveToSync against the two-step ways, and peak memory of a load.
// Usage: node --expose-gc --import tsx bench/files.bench.ts [--quick | --smoke]
import { config } from './lib/cases';
import { files } from './lib/files';
import { Level } from './lib/measure';
import { markdown, targets } from './lib/report';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const level: Level = argv.includes('--smoke') ? 'smoke' : argv.includes('--quick') ? 'quick' : 'full';
  const cases = await files(config(level));
  const tg = targets(cases, []).filter((t) => t.id.startsWith('file-'));
  process.stdout.write(markdown(cases, [], tg, `## memfile files bench (${level}), ${new Date().toISOString()}`));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
