import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files that took longest in a full run on 2 cores (slowest first, each
 * 12 s or more; measured 2026-12). Several are a few lines that start a whole
 * run of agent CLIs, so ordering by size, which vitest does without a record
 * of earlier runs, left them for last, one core idle while the other
 * finished them.
 */
const slowest = [
  'test/agent-clis/opencode.test.ts',
  'test/hostile/cli-commands.test.ts',
  'test/agent-clis/cli-limits.test.ts',
  'test/replay.test.ts',
  'test/agent-clis/qwen-code.test.ts',
  'test/run-resume.test.ts',
  'test/run-remote.test.ts',
  'test/hostile/api.test.ts',
  'test/run-workspaces.test.ts',
  'test/run-model-check.test.ts',
  // Two runs of the adversarial suite in a namespace: with two workspaces, and among 66.
  'test/hostile/sandbox-escape-overlay.test.ts',
  'test/contract/postgres.test.ts',
  'test/hostile/cli-output.test.ts',
  'test/cli-memory.test.ts',
  'test/agent-clis/mixed-workers.test.ts',
  'test/run-notify.test.ts',
  'test/agent-clis/claude-code.test.ts',
  'test/run-merge-approval.test.ts',
  'test/cli-sandbox.test.ts',
  'test/cli.test.ts',
  'test/hostile/sandbox-escape.test.ts',
  'test/cli-adopt.test.ts',
  'test/run-worker.test.ts',
  'test/run-controls.test.ts',
  'test/dashboard-review.test.ts',
]

/**
 * Longest first, so that the last files to start are short ones: vitest's
 * own order (by the durations it recorded) where it has a record of every
 * file, as on a second run; otherwise the files measured slowest, then the
 * rest in vitest's order.
 */
export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const root = this.ctx.config.root
    const path = (file: TestSpecification) => relative(root, file.moduleId)
    if (sorted.every((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`))) return sorted
    const rank = (file: TestSpecification) => {
      const index = slowest.indexOf(path(file))
      return index === -1 ? slowest.length : index
    }
    return sorted.toSorted((a, b) => rank(a) - rank(b))
  }
}
