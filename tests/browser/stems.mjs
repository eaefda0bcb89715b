// Stemmer agreement (issue 3): reads [[word, rustStem], ...] from a JSON file
// and checks that the browser's analysis (haku-stem.js) gives the same folded
// stem for every word.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [stemmer, file] = process.argv.slice(2);
const { handbookStem } = createRequire(import.meta.url)(stemmer);
const fold = (s) => s.replace(/[äå]/g, 'a').replace(/ö/g, 'o');
const pairs = JSON.parse(readFileSync(file, 'utf8'));
// The same rule as haku.js: words with digits are not stemmed.
const analyse = (w) => fold(/\p{N}/u.test(w) ? w : handbookStem(w));
const bad = pairs.filter(([w, s]) => analyse(w) !== s);
for (const [w, s] of bad.slice(0, 20)) console.log(`MISMATCH ${w}: rust ${s}, js ${analyse(w)}`);
console.log(`stems: ${pairs.length - bad.length} passed, ${bad.length} failed`);
process.exit(bad.length ? 1 : 0);
