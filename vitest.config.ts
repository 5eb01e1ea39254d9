import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on child processes (colony, git, agent CLIs, bwrap) rather than compute: two at once on
    // 2 cores took 450 s against 558 s for vitest's default of one; three at once starved the replay test.
    maxWorkers: 2,
  },
})
