// MySQL 8.0 syntax, checked independently of MariaDB. The real-server suites run the MySQL output
// on MariaDB 10.11, which accepts syntax MySQL 8 rejects (`ADD COLUMN IF NOT EXISTS`, `CREATE OR
// REPLACE TABLE`, …), and no MySQL 8 server can be had here. So every MySQL statement the corpus,
// the shipped examples and the fixtures produce — in every file of every migration tool — is
// parsed with MySQL Workbench's grammar set to 8.0 (support/mysql-grammar.mjs), and so is every
// statement a `PREPARE` in them can run.
//
//   node --test tests/mysql-grammar.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { listCases } from './db/corpus.mjs';
import { listFixtures } from './fixtures/fixtures.mjs';
import { MYSQL_VERSION, checkChangelog, checkScript, errorAtVersion, statementError, workaroundsUsed } from './support/mysql-grammar.mjs';
import { generate, root } from './support/wasm.mjs';

const err = (sql) => statementError(sql).error;

/** Problems as lines a reader can act on. */
function list(problems) {
  return problems.map((p) => `${p.where ? `${p.where}: ` : ''}${p.message}\n    ${p.statement.replace(/\n/g, '\n    ')}`).join('\n');
}

describe(`the MySQL ${MYSQL_VERSION} grammar check can fail`, () => {
  it('accepts statements MySQL 8.0 accepts', () => {
    for (const sql of [
      'CREATE TABLE IF NOT EXISTS `t` (\n    `id` BIGINT NOT NULL AUTO_INCREMENT,\n    `u` CHAR(36) NOT NULL DEFAULT (uuid()),\n    `d` DATE NULL DEFAULT (CURRENT_DATE),\n    `at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n    `s` ENUM(\'a\',\'b\') NOT NULL,\n    PRIMARY KEY (`id`),\n    CONSTRAINT `t_s` UNIQUE (`s`),\n    CONSTRAINT `t_c` CHECK (`id` > 0)\n) COMMENT = \'x\'',
      'ALTER TABLE `t` RENAME COLUMN `a` TO `b`',
      'ALTER TABLE `t` ADD COLUMN `c` INT NULL, DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `c`)',
      'ALTER TABLE `t` ADD CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `u` (`id`) ON DELETE SET NULL ON UPDATE CASCADE',
      'CREATE UNIQUE INDEX `i` ON `t` (`a`, `b`)',
      'DROP TABLE IF EXISTS `t`',
      "SET @smartspec_sql = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 't' AND column_name = 'c') = 0,\n    'ALTER TABLE `t` ADD COLUMN `c` INT', 'DO 0')",
      'PREPARE smartspec_stmt FROM @smartspec_sql',
      'DO 0',
    ]) {
      assert.equal(err(sql), null, sql);
    }
  });

  it('rejects the forms MariaDB accepts and MySQL 8.0 rejects', () => {
    // MySQL 8.0 Reference Manual (ALTER TABLE, CREATE INDEX, DROP INDEX, CREATE TABLE) against the
    // MariaDB Knowledge Base (IF [NOT] EXISTS in ALTER TABLE, CREATE OR REPLACE, sequences,
    // RETURNING).
    for (const sql of [
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT',
      'ALTER TABLE t DROP COLUMN IF EXISTS c',
      'CREATE INDEX IF NOT EXISTS i ON t (c)',
      'CREATE UNIQUE INDEX IF NOT EXISTS i ON t (c)',
      'ALTER TABLE t ADD INDEX IF NOT EXISTS i (c)',
      'ALTER TABLE t ADD KEY IF NOT EXISTS i (c)',
      'ALTER TABLE t ADD UNIQUE KEY IF NOT EXISTS i (c)',
      'ALTER TABLE t DROP INDEX IF EXISTS i',
      'ALTER TABLE t DROP KEY IF EXISTS i',
      'DROP INDEX IF EXISTS i ON t',
      'ALTER TABLE t DROP FOREIGN KEY IF EXISTS f',
      'ALTER TABLE t DROP CONSTRAINT IF EXISTS c',
      'ALTER TABLE t DROP CHECK IF EXISTS c',
      'ALTER TABLE t ADD CONSTRAINT IF NOT EXISTS c CHECK (a > 0)',
      'ALTER TABLE t ADD FOREIGN KEY IF NOT EXISTS f (a) REFERENCES u (id)',
      'ALTER TABLE t MODIFY COLUMN IF EXISTS c INT',
      'ALTER TABLE t MODIFY IF EXISTS c INT',
      'ALTER TABLE t CHANGE COLUMN IF EXISTS c d INT',
      'ALTER TABLE t RENAME COLUMN IF EXISTS c TO d',
      'ALTER TABLE IF EXISTS t ADD COLUMN c INT',
      'CREATE OR REPLACE TABLE t (c INT)',
      'CREATE SEQUENCE s',
      'DELETE FROM t RETURNING c',
      // An expression default without its parentheses (MySQL 8.0.13 needs them).
      'CREATE TABLE t (c CHAR(36) DEFAULT uuid())',
      'CREATE TABLE t (d DATE DEFAULT CURRENT_DATE)',
      // Two statements where one is expected (PREPARE runs one).
      'SELECT 1; SELECT 2',
    ]) {
      assert.notEqual(err(sql), null, `accepted: ${sql}`);
    }
  });

  it('is set to MySQL 8.0: what 8.0 added fails at 5.7', () => {
    for (const sql of ['ALTER TABLE t RENAME COLUMN a TO b', 'CREATE TABLE t (c CHAR(36) DEFAULT (uuid()))']) {
      assert.equal(err(sql), null, sql);
      assert.notEqual(errorAtVersion(sql, '5.7.7'), null, `accepted at 5.7: ${sql}`);
    }
  });

  it('accepts ALTER TABLE … DROP CHECK / DROP CONSTRAINT <name> (8.0.16 / 8.0.19) and nothing broader', () => {
    for (const sql of [
      'ALTER TABLE t DROP CHECK c',
      'ALTER TABLE `t` DROP CONSTRAINT `c`',
      'ALTER TABLE `s`.`t` DROP CONSTRAINT `c`, DROP CHECK `d`, ADD COLUMN `e` INT',
    ]) {
      assert.equal(err(sql), null, sql);
    }
    for (const sql of [
      'ALTER TABLE t DROP CONSTRAINT',
      'ALTER TABLE t DROP CONSTRAINT c d',
      'ALTER TABLE t DROP CHECK (c)',
      'ALTER TABLE t DROP CONSTRAINT c, ADD COLUMN IF NOT EXISTS d INT',
      'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0), DROP CHECK IF EXISTS c',
      'DROP CONSTRAINT c',
      'CREATE TABLE t (a INT, DROP CHECK c)',
    ]) {
      assert.notEqual(err(sql), null, `accepted: ${sql}`);
    }
  });

  it('reads what the grammar misreads as MySQL does: doubled backticks in names, temporal literals in parentheses', () => {
    for (const sql of [
      'CREATE TABLE `a``b` (`c``` INT)',
      "ALTER TABLE `events` ADD CONSTRAINT `chk` CHECK (`d` >= DATE'2020-01-01' and `e` <= DATE '2030-12-31')",
      "SELECT (t >= TIME '10:00:00'), (s < TIMESTAMP '2020-01-01 00:00:00')",
    ]) {
      assert.equal(err(sql), null, sql);
    }
    for (const sql of [
      'CREATE TABLE `a` `b` (`c` INT)',
      "SELECT (DATE '2020-01-01' '2')",
      "SELECT ('1' DATE '2020-01-01')",
      "SELECT (_utf8mb4 DATE '2020-01-01')",
    ]) {
      assert.notEqual(err(sql), null, `accepted: ${sql}`);
    }
  });

  it('checks every statement a PREPARE can run: literals, both IF branches, CASE, CONCAT of run-time values', () => {
    const run = "PREPARE smartspec_stmt FROM @smartspec_sql;\nEXECUTE smartspec_stmt;\nDEALLOCATE PREPARE smartspec_stmt;\n";
    const good = [
      // The alternative chosen when the change is there already, and the change, both checked.
      [`SET @smartspec_sql = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 't') = 0,\n    'ALTER TABLE \`t\` ADD COLUMN \`c\` INT',\n    'DO 0');\n${run}`, 2],
      [`SET @smartspec_sql = (SELECT CASE WHEN k IS NULL THEN 'ALTER TABLE \`t\` ADD PRIMARY KEY (\`a\`)' WHEN k <> 'a' THEN 'ALTER TABLE \`t\` DROP PRIMARY KEY, ADD PRIMARY KEY (\`a\`)' ELSE 'DO 0' END FROM (SELECT GROUP_CONCAT(column_name) AS k FROM information_schema.statistics) AS current_key);\n${run}`, 3],
      // Assembled at run time: names quoted and escaped, actions as the catalog spells them
      // (2 key names × 4 column lists, one or two of the 2 column names, × 4 actions).
      [`SET @smartspec_sql = (SELECT CONCAT('ALTER TABLE \`t\` ADD CONSTRAINT \`', REPLACE(constraint_name, '\`', '\`\`'), '\` FOREIGN KEY (', GROUP_CONCAT(CONCAT('\`', REPLACE(column_name, '\`', '\`\`'), '\`') ORDER BY ordinal_position SEPARATOR ', '), ') REFERENCES \`u\` (\`id\`) ON DELETE ', delete_rule) FROM information_schema.key_column_usage);\n${run}`, 32],
      ["PREPARE smartspec_stmt FROM 'ALTER TABLE `t` DROP CHECK `c`';\nEXECUTE smartspec_stmt;\n", 1],
      // Variables set by SELECT … INTO and put together later (2 key names × 4 actions × 4 lists).
      ["SELECT CONCAT('`', REPLACE(constraint_name, '`', '``'), '`'), update_rule INTO @k, @r FROM information_schema.referential_constraints;\nSET @c = (SELECT GROUP_CONCAT(QUOTE(column_name)) FROM information_schema.columns);\nSET @s = CONCAT('ALTER TABLE `t` ADD CONSTRAINT ', @k, ' FOREIGN KEY (`a`) REFERENCES `u` (`id`) ON UPDATE ', @r, ', COMMENT = ', QUOTE(@c));\nPREPARE s FROM @s;\n", 32],
      // A string escaped as the server reads it.
      ["SET @a = 'ALTER TABLE `t` ADD CONSTRAINT `c` CHECK (`s` in (''it''''s'', \\'x\\'))';\nPREPARE smartspec_stmt FROM @a;\n", 1],
    ];
    for (const [sql, prepared] of good) {
      const r = checkScript(sql);
      assert.deepEqual(r.problems, [], sql);
      assert.equal(r.prepared, prepared, `statements PREPARE can run in:\n${sql}`);
    }
    const bad = [
      `SET @smartspec_sql = IF((SELECT COUNT(*) FROM information_schema.columns) = 0,\n    'DO 0',\n    'ALTER TABLE \`t\` ADD COLUMN IF NOT EXISTS \`c\` INT');\n${run}`,
      `SET @smartspec_sql = (SELECT CASE WHEN k IS NULL THEN 'DO 0' ELSE 'CREATE OR REPLACE TABLE \`t\` (\`c\` INT)' END FROM (SELECT 1 AS k) AS x);\n${run}`,
      // A name put between backticks without doubling the backticks it holds.
      `SET @smartspec_sql = (SELECT CONCAT('ALTER TABLE \`t\` DROP FOREIGN KEY \`', constraint_name, '\`') FROM information_schema.table_constraints);\n${run}`,
      // A name not quoted at all.
      `SET @smartspec_sql = (SELECT CONCAT('ALTER TABLE \`t\` DROP FOREIGN KEY ', constraint_name) FROM information_schema.table_constraints);\n${run}`,
      // An action spelt wrong.
      `SET @smartspec_sql = (SELECT CONCAT('ALTER TABLE \`t\` ADD FOREIGN KEY (\`a\`) REFERENCES \`u\` (\`id\`) ON DELETE ', REPLACE(delete_rule, ' ', '_')) FROM information_schema.referential_constraints);\n${run}`,
      "PREPARE smartspec_stmt FROM 'ALTER TABLE `t` DROP INDEX IF EXISTS `i`';\n",
      "SET @a = 'DO 0', @b = 'ALTER TABLE t DROP COLUMN IF EXISTS c';\nPREPARE s FROM @b;\n",
      "SELECT 'x', 'ALTER TABLE t DROP COLUMN IF EXISTS c' INTO @a, @b;\nPREPARE s FROM @b;\n",
    ];
    for (const sql of bad) {
      const r = checkScript(sql);
      assert.ok(r.problems.some((p) => /a statement PREPARE runs/.test(p.message)), `not reported:\n${sql}`);
    }
  });

  it('reports a PREPARE whose statement it cannot tell, never skips it', () => {
    for (const sql of [
      'PREPARE s FROM @nowhere;',
      "SET @a = SHA2('x', 256);\nPREPARE s FROM @a;",
      "SET @a = (SELECT CONCAT('DROP TABLE ', some_column) FROM t);\nPREPARE s FROM @a;",
    ]) {
      const r = checkScript(sql);
      assert.equal(r.problems.length, 1, sql);
      assert.match(r.problems[0].message, /PREPARE/, sql);
    }
  });

  it('splits files as the tools do: a statement after another on one line is checked', () => {
    const r = checkScript("-- a comment; with a semicolon\nSELECT ';'; ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT;\n");
    assert.equal(r.statements, 2);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0].statement, /IF NOT EXISTS/);
  });

  it('reads a Liquibase changelog as Liquibase does: the changesets and their --rollback lines', () => {
    const changelog = (rollback) => `--liquibase formatted sql\n\n--changeset smartspec:1-1\n--comment: [D001] add_column t.c\nALTER TABLE \`t\` ADD COLUMN \`c\` INT;\n--rollback ${rollback}\n`;
    const ok = checkChangelog(changelog('ALTER TABLE `t` DROP COLUMN `c`;'));
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.statements, 2);
    const bad = checkChangelog(changelog('ALTER TABLE `t` DROP COLUMN IF EXISTS `c`;'));
    assert.equal(bad.problems.length, 1);
    assert.match(bad.problems[0].message, /\[rollback\]/);
  });
});

/** Every report whose MySQL output is checked. */
function reports() {
  const out = [];
  for (const c of listCases()) if (c.dialect === 'mysql') out.push({ id: `corpus ${c.id}`, text: JSON.stringify(c.summary) });
  for (const c of listFixtures()) if (c.dialect === 'mysql') out.push({ id: `fixture ${c.id}`, text: JSON.stringify(c.summary) });
  const examples = path.join(root, 'examples');
  for (const name of fs.readdirSync(examples).sort()) {
    const file = path.join(examples, name, 'summary.json');
    if (fs.existsSync(file)) out.push({ id: `example ${name}`, text: fs.readFileSync(file, 'utf8') });
  }
  return out;
}

/** Every option that changes the SQL written: each migration tool with its undo or rollbacks, destructive steps allowed or blocked. */
const OPTION_SETS = [
  ['flyway + undo', { undo: true, allowDestructive: true }],
  ['flyway, destructive blocked', {}],
  ['raw-sql', { migrationTool: 'raw-sql', allowDestructive: true }],
  ['liquibase', { migrationTool: 'liquibase', allowDestructive: true }],
];

describe(`every MySQL statement the generator writes parses as MySQL ${MYSQL_VERSION}`, () => {
  const all = reports();
  const totals = { reports: 0, files: 0, statements: 0, prepared: 0 };

  it('finds the corpus, the fixtures and the examples', () => {
    const count = (prefix) => all.filter((r) => r.id.startsWith(prefix)).length;
    assert.ok(count('corpus ') >= 100, `${count('corpus ')} MySQL corpus reports`);
    assert.ok(count('fixture ') >= 20, `${count('fixture ')} MySQL fixtures`);
    assert.ok(count('example ') >= 3, `${count('example ')} examples`);
  });

  for (const report of all) {
    it(report.id, () => {
      const problems = [];
      for (const [name, options] of OPTION_SETS) {
        const result = generate(report.text, 'MySQL', options);
        for (const file of result.files) {
          const where = `${report.id}, ${name}, ${file.name}`;
          let r;
          if (file.role === 'conf') continue; // Flyway settings, not SQL
          else if (file.role === 'changelog') r = checkChangelog(file.content);
          else if (['migration', 'undo', 'up', 'down'].includes(file.role)) r = checkScript(file.content);
          else assert.fail(`${where}: a file of role ${file.role} is not checked`);
          problems.push(...r.problems.map((p) => ({ ...p, where })));
          totals.files++;
          totals.statements += r.statements;
          totals.prepared += r.prepared;
        }
      }
      totals.reports++;
      assert.equal(problems.length, 0, `MySQL ${MYSQL_VERSION} rejects:\n${list(problems)}`);
    });
  }

  it('checked every report, and many statements', (t) => {
    assert.equal(totals.reports, all.length);
    assert.ok(totals.statements > 10000, `only ${totals.statements} statements`);
    assert.ok(totals.prepared > 3000, `only ${totals.prepared} prepared statements`);
    t.diagnostic(`${totals.reports} reports, ${totals.files} files, ${totals.statements} statements, ${totals.prepared} statements run by PREPARE`);
    for (const [name, n] of Object.entries(workaroundsUsed)) t.diagnostic(`accepted through the workaround for ${name}: ${n} distinct statements`);
  });
});

// A PostgreSQL report generated for MySQL (`--dialect MySQL` on a report whose `scope.dialect` is
// PostgreSQL): what PostgreSQL alone has (its types, check expressions such as `= ANY (ARRAY[…])`,
// `IS DISTINCT FROM`, `OVERLAPS`) must be refused at generate time with a code and a JSON path,
// never written into a file MySQL 8 rejects.
describe(`a PostgreSQL report generated as MySQL is refused, or parses as MySQL ${MYSQL_VERSION}`, () => {
  const all = [
    ...listCases().filter((c) => c.dialect === 'postgres').map((c) => ({ id: `corpus ${c.id}`, summary: c.summary })),
    ...listFixtures().filter((c) => c.dialect === 'postgres').map((c) => ({ id: `fixture ${c.id}`, summary: c.summary })),
  ];
  const seen = { generated: 0, refused: 0 };

  for (const report of all) {
    it(report.id, () => {
      let result;
      try {
        result = generate(JSON.stringify(report.summary), 'MySQL', { undo: true, allowDestructive: true });
      } catch (e) {
        assert.ok(e.code && e.path, `refused without a code and a JSON path: ${e.message}`);
        seen.refused++;
        return;
      }
      seen.generated++;
      const problems = [];
      for (const file of result.files.filter((f) => ['migration', 'undo'].includes(f.role))) {
        problems.push(...checkScript(file.content).problems.map((p) => ({ ...p, where: `${report.id}, ${file.name}` })));
      }
      assert.equal(problems.length, 0, `MySQL ${MYSQL_VERSION} rejects:\n${list(problems)}`);
    });
  }

  it('generated most of them', (t) => {
    t.diagnostic(`${seen.generated} generated and parsed, ${seen.refused} refused`);
    assert.ok(seen.generated >= 150, `only ${seen.generated} generated`);
  });
});
