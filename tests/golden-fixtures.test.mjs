// Golden SQL for every hand-written fixture (tests/fixtures/<dialect>/<case>/expected.<dialect>.sql).
//
// Each expected file is what `generate()` makes from the fixture's summary.json with
// allowDestructive: its warnings, then each file under a comment naming it (a file that is not SQL,
// such as a Flyway `.conf`, as comment lines), so that the expected file still runs as it is. The files were reviewed statement by statement against the PostgreSQL and MySQL
// manuals; they are not the oracle for correctness (tests/convergence.test.mjs runs every fixture
// on real servers), but they pin the exact text so that any change to it is seen in review.
//
//   node --test tests/golden-fixtures.test.mjs
//   UPDATE_EXPECT=1 node --test tests/golden-fixtures.test.mjs    rewrite them (then read every diff)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { generatorDialect, listFixtures } from './fixtures/fixtures.mjs';
import { generate } from './support/wasm.mjs';

const UPDATE = Boolean(process.env.UPDATE_EXPECT);

/** What an expected file holds: the file name and warnings as comments, then the migration. */
export function render(summary, dialect) {
  const out = generate(JSON.stringify(summary), generatorDialect(dialect), { allowDestructive: true });
  let s = '';
  for (const w of out.warnings) s += `-- (warning ${w.code}: ${w.message})\n`;
  if (out.nothing_to_do) s += `-- (nothing to do: ${out.nothing_to_do})\n`;
  for (const f of out.files) {
    if ((f.role ?? 'migration') === 'migration') s += `-- (file ${f.name})\n${f.content}`;
    // Not SQL (a Flyway .conf): shown as comments, so the expected file still runs.
    else s += `-- (file ${f.name}, ${f.role})\n${f.content.replace(/^/gm, '-- ').replace(/-- $/, '')}`;
  }
  return s;
}

const fixtures = listFixtures();

describe('golden SQL of the fixtures', () => {
  it('there are fixtures for both dialects', () => {
    assert.ok(fixtures.some((c) => c.dialect === 'postgres'));
    assert.ok(fixtures.some((c) => c.dialect === 'mysql'));
  });

  for (const c of fixtures) {
    it(`${c.id}: expected.${c.dialect}.sql`, () => {
      const got = render(c.summary, c.dialect);
      if (UPDATE) {
        fs.writeFileSync(c.expectedPath, got);
        return;
      }
      assert.ok(
        fs.existsSync(c.expectedPath),
        `${path.relative(process.cwd(), c.expectedPath)} is missing: run with UPDATE_EXPECT=1 and review it`,
      );
      const want = fs.readFileSync(c.expectedPath, 'utf8');
      assert.equal(got, want, `${c.id}: the generated SQL differs from expected.${c.dialect}.sql (UPDATE_EXPECT=1 rewrites it; review the diff)`);
    });

    it(`${c.id}: the same report gives byte-identical output, whatever its key order`, () => {
      const reversed = JSON.parse(JSON.stringify(c.summary), function (key, value) {
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          return Object.fromEntries(Object.entries(value).reverse());
        }
        return value;
      });
      assert.equal(render(reversed, c.dialect), render(c.summary, c.dialect));
    });
  }
});
