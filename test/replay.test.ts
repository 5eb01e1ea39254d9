import { describe, expect, it } from 'vitest'
import { replayRepositories } from '../bench/replay/repositories.ts'
import { describeReport, replay } from '../bench/replay/run-replay.ts'

// A slice of nanoid's real history (test/fixtures/nanoid.bundle) replayed through
// `colony run` with scripted workers: no network, no install (nanoid's tests are
// node:test), its simple-git-hooks pre-commit hook installed in .git/hooks.
// Commits 21–27 of the bundle: README edits in seven languages by independent
// commits running at once (conflicts to resolve), a CLI change, a release that
// bumps package.json and jsr.json together (checked by test/check-versions.js).
const nanoid = replayRepositories.find((repository) => repository.name === 'nanoid')!

describe('a replay of real history', () => {
  it('lands every commit of a slice of nanoid exactly once; the target is upstream\'s tree, its tests pass, the checkout is untouched', async () => {
    const report = await replay(nanoid, { from: 20, count: 7, workers: 4, install: false, allowOverlap: true, attemptMinutes: 2 })
    const summary = describeReport(report)
    expect(report.commits, summary).toBe(7)
    expect(Object.values(report.landings), summary).toEqual(Array(7).fill(1))
    expect(report.otherCommits, summary).toEqual([])
    expect(report.tasksMerged, summary).toBe(7)
    expect(report.treeDifferences, summary).toEqual([])
    expect(report.treeIdentical, summary).toBe(true)
    expect(report.checkoutDifference, summary).toBe('')
    expect(report.checkoutUntouched, summary).toBe(true)
    expect(report.checksPassed, summary).toBe(true)
    expect(report.runExitCode, summary).toBe(0)
  }, 300_000)
})
