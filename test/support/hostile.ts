import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { expect } from 'vitest'
import type { CliResult } from './cli.ts'

/** What a refused bad input must look like to the person who typed it. */
export interface CleanFailure {
  /** The documented exit code: 1 refused or failed, 2 unusable arguments. */
  code: 1 | 2
  /** Text the message must contain: it names the problem (and, where there is one, the fix). */
  mentions: readonly (string | RegExp)[]
}

/** A JavaScript stack frame, as Node prints it. */
const stackFrame = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m

/**
 * Asserts a command failed the way docs/cli.md promises: the documented exit
 * code, `colony: <problem>` on stderr with the expected words, no stack trace
 * and no "unexpected error" anywhere in the output.
 */
export function expectCleanFailure(result: CliResult, expected: CleanFailure): void {
  const output = `${result.stdout}\n${result.stderr}`
  expect(output, 'a stack trace reached the person').not.toMatch(stackFrame)
  expect(output).not.toContain('unexpected error')
  expect(result.stderr).toMatch(/(^|\n)(colony: |error: )/)
  for (const mention of expected.mentions) {
    if (typeof mention === 'string') expect(result.stderr).toContain(mention)
    else expect(result.stderr).toMatch(mention)
  }
  expect(result.code, result.stderr).toBe(expected.code)
}

/**
 * Everything a bad input must leave as it was: every ref, HEAD, the index and
 * working tree's status, the stash, the worktrees, and every row of Colony's
 * SQLite store (when there is one).
 */
export function repositoryState(root: string, databasePath = join(root, '.colony', 'colony.db')): string {
  const git = (args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' })
  const parts = [
    git(['for-each-ref', '--format=%(refname) %(objectname)']),
    git(['rev-parse', 'HEAD']),
    // `HEAD` itself when it is detached (where `symbolic-ref` would fail).
    git(['rev-parse', '--symbolic-full-name', 'HEAD']),
    // Colony's own files come and go (SQLite's -wal and -shm); the person's ignored files must not.
    git(['status', '--porcelain=v1', '--untracked-files=all', '--ignored']).split('\n').filter((line) => !line.startsWith('!! .colony/')).join('\n'),
    git(['stash', 'list']),
    git(['worktree', 'list', '--porcelain']),
    existsSync(databasePath) ? storeRows(databasePath) : 'no store',
  ]
  return parts.join('\n---\n')
}

/** Every row of every table, in a stable order, as text. */
export function storeRows(databasePath: string): string {
  const database = new DatabaseSync(databasePath, { readOnly: true, timeout: 10_000 })
  try {
    const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]
    return tables
      .map(({ name }) => {
        // Sorted as text: some tables (FTS shadows, WITHOUT ROWID) have no rowid to order by.
        const rows = database.prepare(`SELECT * FROM "${name}"`).all().map((row) => JSON.stringify(row))
        return `${name}: ${rows.sort().join('\n')}`
      })
      .join('\n')
  } finally {
    database.close()
  }
}
