import { delimiter } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { SlowestFirstSequencer } from './test/support/slowest-first-sequencer.ts'

// The agent CLIs the tests run for real (test/fixtures/agent-clis/package.json, installed by `npm test`), found on PATH as a person's would be.
process.env.PATH = [fileURLToPath(new URL('./test/fixtures/agent-clis/node_modules/.bin', import.meta.url)), process.env.PATH].join(delimiter)

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/bundle-cli-for-tests.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on child processes (colony, git, agent CLIs, bwrap) rather than compute: two at once on
    // 2 cores took 450 s against 558 s for vitest's default of one; three at once starved the replay test.
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirstSequencer },
  },
})
