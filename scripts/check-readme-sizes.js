// Keeps the sizes quoted in the README's "Entries" table equal to what size-limit measures: each row
// names a size-limit entry and quotes its size in kB (1000 bytes, one decimal).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// size-limit exits 1 when an entry is over its budget (npm test's size-limit step reports that);
// the figures it printed are still the measurement this check compares the README with.
function measure() {
  try {
    return execFileSync('npx', ['size-limit', '--json'], { encoding: 'utf8' });
  } catch (error) {
    if (typeof error.stdout === 'string' && error.stdout.trim().startsWith('[')) return error.stdout;
    throw error;
  }
}
const measured = JSON.parse(measure());
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
let wrong = 0;
for (const { name, size } of measured) {
  const quoted = `${(size / 1000).toFixed(1)} kB`;
  const row = readme.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${name}\``));
  if (!row) {
    console.error(`README: no row in the Size table for \`${name}\` (measured ${quoted})`);
    wrong += 1;
  } else if (!row.includes(quoted)) {
    console.error(`README: the row for \`${name}\` should quote ${quoted}: ${row.trim()}`);
    wrong += 1;
  }
}
if (wrong > 0) process.exit(1);
console.log(`README sizes match size-limit (${measured.length} entries)`);
