// Lint every Cypher statement of graph/cypher.py with Neo4j's official linter.
//
//   node scripts/lint_cypher.mjs [PYTHON]      (PYTHON defaults to .venv/bin/python)
//   node scripts/lint_cypher.mjs --dump FILE   (lint a saved dump instead, e.g. in tests)
//
// The statements and example parameters come from `python -m graph.cypher
// --dump-json`; each is linted with lintCypherQuery against the declared
// labels, types and property keys, and the Neo4j 5 functions and procedures
// the package ships as its test registry (testData.mockSchema), less plugins
// such as APOC and GDS: users' servers may not have them. Exits 1 on any
// error, and on any warning that ALLOWED_WARNINGS does not explain.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CYPHER_VERSION = 'CYPHER 5';
const PLUGINS = /^(apoc|gds)\./;

// Warnings accepted on purpose: statement name pattern, message pattern, and why.
const ALLOWED_WARNINGS = [
  {
    statement: /^(merge|create)_edges\(/,
    message: /^(source|target) is not present in the database\./,
    why: '`row` is a map from UNWIND $rows, not a node: source and target are its keys, not property keys',
  },
];

function builtins(registry) {
  const kept = Object.entries(registry[CYPHER_VERSION]).filter(([name]) => !PLUGINS.test(name));
  return { [CYPHER_VERSION]: Object.fromEntries(kept) };
}

function readDump(args) {
  if (args[0] === '--dump') return readFileSync(args[1], 'utf8');
  const python = args[0] ?? join(root, '.venv', 'bin', 'python');
  if (!existsSync(python) && python.includes('/')) {
    console.error(`no Python at ${python}: pass one as the first argument`);
    process.exit(2);
  }
  return execFileSync(python, ['-m', 'graph.cypher', '--dump-json'], { cwd: root, encoding: 'utf8' });
}

const dump = JSON.parse(readDump(process.argv.slice(2)));
const { mockSchema } = testData;

const registries = { functions: builtins(mockSchema.functions), procedures: builtins(mockSchema.procedures) };
let errors = 0;
let warnings = 0;
for (const { name, query, parameters } of dump.statements) {
  const dbSchema = { ...dump.schema, ...registries, parameters, defaultLanguage: CYPHER_VERSION };
  for (const diagnostic of lintCypherQuery(query, dbSchema).diagnostics) {
    const isError = diagnostic.severity === 1;
    const allowed = !isError && ALLOWED_WARNINGS.some(
      (rule) => rule.statement.test(name) && rule.message.test(diagnostic.message));
    if (allowed) continue;
    if (isError) errors += 1; else warnings += 1;
    const where = `${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}`;
    console.error(`${isError ? 'error' : 'warning'} ${name} ${where}: ${diagnostic.message}\n    ${query}`);
  }
}
console.log(`linted ${dump.statements.length} statements: ${errors} errors, ${warnings} unexplained warnings`);
process.exit(errors || warnings ? 1 : 0);
