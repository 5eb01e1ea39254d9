// Dependency direction is checked, not hoped for (STYLE.md). `npm run lint` runs
// dependency-cruiser with these rules over src/, then scripts/check-folder-cycles.ts,
// which collapses every module to its folder (src/<folder>) and fails on a cycle
// between folders.
//
// Type-only imports count: `tsPreCompilationDeps: true` keeps `import type` and
// `export type ... from` edges that the TypeScript compiler would erase. A type
// is part of a folder's contract, so a folder that needs another's types depends
// on it as much as one that calls it.

/* global module -- CommonJS: dependency-cruiser loads this file with require */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module that reaches itself through its imports (type-only imports included): move the shared part down into a module both import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'orchestrator-not-to-roles',
      severity: 'error',
      comment: 'The orchestrator declares the contract the roles implement (orchestrator/role-contract.ts); src/roles imports it, and only src/launch wires the real roles into a supervisor.',
      from: { path: '^src/orchestrator/' },
      to: { path: '^src/(roles|launch)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file on disk: a moved file whose importers were not updated.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
}
