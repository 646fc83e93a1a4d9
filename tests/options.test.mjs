// generate()'s options object as the wasm edge reads it (src/wasm/exports.rs, options_of): each field under
// its snake_case or camelCase name, undefined and null as not set, wrong types refused with the
// option's own path, unknown names refused with the nearest known one.
//   node --test tests/options.test.mjs      (needs the wasm module: scripts/build.sh)

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { generate, readExample } from './support/wasm.mjs';

const report = readExample('run-123');
const names = (r) => r.files.map((f) => f.name);

function refused(options, path, message) {
  assert.throws(
    () => generate(report, undefined, options),
    (e) => {
      assert.equal(e.code, 'invalid_option', e.message);
      assert.equal(e.path, path, e.message);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('each option is read under both of its names', () => {
  const plain = generate(report, undefined, {});
  assert.deepEqual(names(plain), ['V202401011200__add_last_login_at_to_users.sql']);
  for (const o of [{ migration_tool: 'raw-sql' }, { migrationTool: 'raw-sql' }]) {
    assert.equal(generate(report, undefined, o).migration_tool, 'raw-sql', JSON.stringify(o));
  }
  for (const o of [{ name_from: 'spec_id' }, { nameFrom: 'spec_id' }]) {
    assert.deepEqual(names(generate(report, undefined, o)), ['V202401011200__my_feature.sql'], JSON.stringify(o));
  }
  assert.equal(generate(report, undefined, { undo: true }).files.length, 2);
  assert.equal(generate(report, undefined, { dialect: 'mysql' }).dialect, 'MySQL');
  assert.equal(generate(report, undefined, { version: '7.1' }).version, '7.1');
});

test('undefined and null leave an option at its default', () => {
  const plain = generate(report, undefined, {});
  for (const o of [undefined, null, { undo: undefined }, { undo: null, dialect: null, nameFrom: undefined }]) {
    const r = generate(report, undefined, o);
    assert.deepEqual(names(r), names(plain), JSON.stringify(o));
    assert.equal(r.files[0].content, plain.files[0].content);
  }
});

test('options of the wrong type are refused with their own path', () => {
  refused({ undo: 'yes' }, 'options.undo', /option `undo` must be true or false, not a string/);
  refused({ allowDestructive: 1 }, 'options.allowDestructive', /must be true or false, not a number/);
  refused({ concurrently: {} }, 'options.concurrently', /not an object/);
  refused({ dialect: 5 }, 'options.dialect', /option `dialect` must be a string, not a number/);
  refused({ version: 20240101 }, 'options.version', /must be a string, not a number/);
  refused({ migration_tool: ['flyway'] }, 'options.migration_tool', /not an array/);
  refused('undo', 'options', /options must be an object, not a string/);
  refused(true, 'options', /options must be an object, not a boolean/);
});

test('an option set under both of its names is refused', () => {
  refused({ nameFrom: 'spec_id', name_from: 'changes' }, 'options', /options set both `name_from` and `nameFrom`/);
  refused({ allow_destructive: true, allowDestructive: true }, 'options', /both `allow_destructive` and `allowDestructive`/);
});

test('option values are still checked by the core', () => {
  refused({ dialect: 'oracle' }, 'options.dialect', /dialect "oracle" is not PostgreSQL, MySQL or SQLite/);
  refused({ migrationTool: 'alembic' }, 'options.migration_tool', /is not flyway, liquibase, raw-sql, golang-migrate, dbmate, goose, atlas or sqitch/);
});

test('an unknown option name is refused, naming the nearest known one', () => {
  refused({ allowDestrutive: true }, 'options.allowDestrutive', /unknown option `allowDestrutive`; did you mean `allowDestructive`\?/);
  refused({ allow_destrutive: true }, 'options.allow_destrutive', /did you mean `allow_destructive`\?/);
  refused({ migrationtool: 'raw-sql' }, 'options.migrationtool', /did you mean `(migrationTool|migration_tool)`\?/);
  refused({ outOfOrder: true }, 'options.outOfOrder', /unknown option `outOfOrder`/);
  // Even when its value is undefined or false: the option was meant to do something.
  refused({ bogus: undefined }, 'options.bogus', /unknown option `bogus`; did you mean `\w+`\? \(options: dialect, version, name_from/);
});

test('name_from in any case', () => {
  for (const o of [{ nameFrom: 'SPEC_ID' }, { name_from: 'Spec_Id' }]) {
    assert.deepEqual(names(generate(report, undefined, o)), ['V202401011200__my_feature.sql'], JSON.stringify(o));
  }
  assert.deepEqual(names(generate(report, undefined, { nameFrom: 'CHANGES' })), ['V202401011200__add_last_login_at_to_users.sql']);
});
