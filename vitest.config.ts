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
    // Most tests wait on child processes (colony, git, agent CLIs, bwrap) rather than compute. With the CLI bundled
    // (a colony process starts in ~0.09 s, not ~0.27 s), three at once on 2 cores: 288 s against 318 s for two, and
    // all passing with two more processes spinning on both cores (391 s). Before the bundle, three starved the replay test.
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirstSequencer },
  },
})
