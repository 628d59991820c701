/**
 * The PostgreSQL schema (db/schema/pg) mirrors the SQLite one (db/schema/sqlite): domain code is
 * typed against the SQLite tables and runs against either. Checked here at run time (table and
 * column names, nullability, defaults, keys, indexes, foreign keys, value kinds) and at compile
 * time (`npm run typecheck`: identical select row types, identical insert types).
 *
 *   node --import tsx --test db/schema-parity.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTableColumns, is, SQL, type Column } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as liteConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as lite from './schema/sqlite';
import * as pg from './schema/pg';
import * as bound from './schema';

// ---------------------------------------------------------------- compile-time parity

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type TableKey = keyof typeof lite;
type Mismatched<M extends Record<TableKey, boolean>> = { [K in TableKey]: M[K] extends true ? never : K }[TableKey];

/**
 * SQLite gives an `integer primary key` column a default (it aliases the rowid), so its insert
 * type makes the column optional; PostgreSQL cannot. The application always sets these columns.
 */
const ROWID_ALIASES = ['service_desk_settings.project_id', 'custom_emails.project_id'] as const;
type RowidAliasKeys = { serviceDeskSettings: 'projectId'; customEmails: 'projectId' };
type InsertOf<K extends TableKey, T> = K extends keyof RowidAliasKeys ? Omit<T, RowidAliasKeys[K]> : T;

/** Tables whose select row types differ between the engines (must be `never`). */
export type SelectTypeMismatches = Mismatched<{
  [K in TableKey]: Equal<(typeof lite)[K]['$inferSelect'], (typeof pg)[K]['$inferSelect']>;
}>;
/** Tables whose insert types differ, rowid aliases aside (must be `never`). */
export type InsertTypeMismatches = Mismatched<{
  [K in TableKey]: Equal<InsertOf<K, (typeof lite)[K]['$inferInsert']>, InsertOf<K, (typeof pg)[K]['$inferInsert']>>;
}>;
/** Tables exported by one schema but not the other (must be `never`). */
export type MissingTables = Exclude<keyof typeof lite, keyof typeof pg> | Exclude<keyof typeof pg, keyof typeof lite>;
// A mismatch turns `never` into the tables' names, and these lines stop compiling, naming them.
export const selectTypesMatch: [SelectTypeMismatches] extends [never] ? true : `select row types differ: ${SelectTypeMismatches}` = true;
export const insertTypesMatch: [InsertTypeMismatches] extends [never] ? true : `insert types differ: ${InsertTypeMismatches}` = true;
export const sameTables: [MissingTables] extends [never] ? true : `exported by one schema only: ${MissingTables}` = true;

// ---------------------------------------------------------------- run-time parity

const liteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

const liteTables = Object.entries(lite).filter(([, v]) => is(v, SQLiteTable)) as [string, SQLiteTable][];
const pgTables = new Map((Object.entries(pg).filter(([, v]) => is(v, PgTable)) as [string, PgTable][]).map(([k, t]) => [k, t]));

/** What a column holds, as the application sees it: PostgreSQL bytea is a custom type holding a Buffer. */
function valueKind(c: Column): string {
  const kind = c.dataType === 'custom' && c.getSQLType() === 'bytea' ? 'buffer' : c.dataType;
  return c.enumValues?.length ? `${kind} enum(${c.enumValues.join('|')})` : kind;
}

function render(x: unknown, dialect: SQLiteSyncDialect | PgDialect): string {
  if (is(x, SQL)) return `expr:${dialect.sqlToQuery(x, 'indexes').sql}`;
  return (x as { name: string }).name;
}

test('both schemas export the same tables', () => {
  const liteKeys = liteTables.map(([k]) => k).sort();
  assert.deepEqual([...pgTables.keys()].sort(), liteKeys, 'db/schema/pg/index.ts must export exactly the tables of db/schema/sqlite/index.ts');
});

test('db/schema binds every table', () => {
  const missing = liteTables.map(([k]) => k).filter((k) => !(k in bound));
  assert.deepEqual(missing, [], `db/schema/index.ts has no binding for: ${missing.join(', ')}`);
});

for (const [key, liteTable] of liteTables) {
  test(`table ${key}: same shape on SQLite and PostgreSQL`, () => {
    const pgTable = pgTables.get(key);
    assert.ok(pgTable, `db/schema/pg has no table export '${key}'`);
    const l = liteConfig(liteTable);
    const p = pgConfig(pgTable);
    const where = `${key} (${l.name})`;
    assert.equal(p.name, l.name, `${key}: SQL table name differs: sqlite '${l.name}', pg '${p.name}'`);

    // Columns, by JS key.
    const lc = getTableColumns(liteTable) as Record<string, Column>;
    const pc = getTableColumns(pgTable) as Record<string, Column>;
    const onlyLite = Object.keys(lc).filter((k) => !(k in pc));
    const onlyPg = Object.keys(pc).filter((k) => !(k in lc));
    assert.deepEqual(onlyLite, [], `${where}: columns missing on pg: ${onlyLite.join(', ')}`);
    assert.deepEqual(onlyPg, [], `${where}: columns only on pg: ${onlyPg.join(', ')}`);
    for (const [k, a] of Object.entries(lc)) {
      const b = pc[k]!;
      const col = `${where}.${k}`;
      assert.equal(b.name, a.name, `${col}: SQL column name differs: sqlite '${a.name}', pg '${b.name}'`);
      assert.equal(b.notNull, a.notNull, `${col} (${a.name}): notNull differs: sqlite ${a.notNull}, pg ${b.notNull}`);
      const rowidAlias = (ROWID_ALIASES as readonly string[]).includes(`${l.name}.${a.name}`);
      if (rowidAlias) {
        assert.ok(a.primary && a.hasDefault && !b.hasDefault, `${col}: listed in ROWID_ALIASES but is no longer a SQLite rowid alias without a pg default: update the list`);
      } else {
        assert.equal(b.hasDefault, a.hasDefault, `${col} (${a.name}): hasDefault differs: sqlite ${a.hasDefault}, pg ${b.hasDefault}`);
      }
      assert.equal(b.primary, a.primary, `${col} (${a.name}): single-column primary key differs: sqlite ${a.primary}, pg ${b.primary}`);
      assert.equal(valueKind(b), valueKind(a), `${col} (${a.name}): value kind differs: sqlite ${valueKind(a)}, pg ${valueKind(b)} (${b.getSQLType()})`);
      if (a.default !== undefined || b.default !== undefined) {
        assert.deepEqual(b.default, a.default, `${col} (${a.name}): default differs: sqlite ${String(a.default)}, pg ${String(b.default)}`);
      }
    }

    // Composite primary keys.
    const lpk = l.primaryKeys.map((k) => k.columns.map((c) => c.name).join(','));
    const ppk = p.primaryKeys.map((k) => k.columns.map((c) => c.name).join(','));
    assert.deepEqual(ppk, lpk, `${where}: composite primary key differs: sqlite [${lpk.join('; ')}], pg [${ppk.join('; ')}]`);

    // Indexes: name, uniqueness, columns or expressions (in order), partial condition.
    const describeLite = l.indexes.map((i) => ({
      name: String(i.config.name),
      unique: i.config.unique,
      on: i.config.columns.map((c) => render(c, liteDialect)),
      where: i.config.where ? liteDialect.sqlToQuery(i.config.where).sql : null,
    }));
    const describePg = p.indexes.map((i) => ({
      name: String(i.config.name),
      unique: i.config.unique,
      on: i.config.columns.map((c) => render(c, pgDialect)),
      where: i.config.where ? pgDialect.sqlToQuery(i.config.where).sql : null,
    }));
    const liteIdx = new Map(describeLite.map((i) => [i.name, i]));
    const pgIdx = new Map(describePg.map((i) => [i.name, i]));
    for (const [name, a] of liteIdx) {
      const b = pgIdx.get(name);
      assert.ok(b, `${where}: index ${name} is missing on pg`);
      assert.deepEqual(b, a, `${where}: index ${name} differs: sqlite ${JSON.stringify(a)}, pg ${JSON.stringify(b)}`);
    }
    const extra = [...pgIdx.keys()].filter((n) => !liteIdx.has(n));
    assert.deepEqual(extra, [], `${where}: indexes only on pg: ${extra.join(', ')} (search indexes belong in db/migrations-pg/*_search.sql)`);

    // Foreign keys: columns, target, actions.
    const fks = (list: typeof l.foreignKeys | typeof p.foreignKeys) =>
      list
        .map((fk) => {
          const r = fk.reference();
          const target = is(r.foreignTable, PgTable) ? pgConfig(r.foreignTable).name : liteConfig(r.foreignTable as SQLiteTable).name;
          return `(${r.columns.map((c) => c.name).join(',')}) -> ${target}(${r.foreignColumns.map((c) => c.name).join(',')}) on delete ${fk.onDelete ?? 'no action'} on update ${fk.onUpdate ?? 'no action'}`;
        })
        .sort();
    const [lf, pf] = [fks(l.foreignKeys), fks(p.foreignKeys)];
    assert.deepEqual(pf, lf, `${where}: foreign keys differ:\n  sqlite: ${lf.join('\n          ')}\n  pg:     ${pf.join('\n          ')}`);

    assert.deepEqual(
      p.uniqueConstraints.map((u) => u.getName()).sort(),
      l.uniqueConstraints.map((u) => u.getName()).sort(),
      `${where}: unique constraints differ`,
    );
  });
}
