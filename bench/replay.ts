// A replay of real history: N consecutive commits of a public repository become
// N Colony tasks (scope: the files each touches; --after where a commit's patch
// does not commute with an earlier one's), scripted workers apply each commit's
// patch in their worktrees and resolve conflicts by reapplying their own hunks
// onto what landed, and `colony run` must end with every commit merged exactly
// once, the target's tree identical to upstream's last commit, the repository's
// own tests green on the target, and the person's checkout untouched.
// The histories are vendored as git bundles in test/fixtures/ (see
// bench/replay/repositories.ts; bench/replay/make-fixture.ts makes them).
//   npx node bench/replay.ts [--repo cookie|zkochan-packages|nanoid|all] [--from I] [--count N] [--rule commute|applies]
//                            [--workers N] [--no-install] [--no-overlap] [--keep] [--json]
import { parseArgs } from 'node:util'
import { replayRepositories } from './replay/repositories.ts'
import { describeReport, replay, type ReplayReport } from './replay/run-replay.ts'

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: 'all' },
    from: { type: 'string' },
    count: { type: 'string' },
    workers: { type: 'string', default: '4' },
    rule: { type: 'string', default: 'commute' },
    'no-install': { type: 'boolean', default: false },
    'no-overlap': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
})

const chosen = values.repo === 'all' ? replayRepositories : replayRepositories.filter((repository) => repository.name === values.repo)
if (chosen.length === 0) {
  process.stderr.write(`unknown --repo ${values.repo}; one of: all, ${replayRepositories.map((repository) => repository.name).join(', ')}\n`)
  process.exit(2)
}

const reports: ReplayReport[] = []
for (const repository of chosen) {
  process.stdout.write(`\n# ${repository.name}: ${repository.upstream}\n# ${repository.shape}\n`)
  try {
    const report = await replay(repository, {
      ...(values.from !== undefined && { from: Number(values.from) }),
      ...(values.count !== undefined && { count: Number(values.count) }),
      workers: Number(values.workers),
      rule: values.rule === 'applies' ? 'applies' : 'commute',
      install: !values['no-install'],
      allowOverlap: !values['no-overlap'],
      keep: values.keep,
      log: (line) => process.stdout.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`),
    })
    reports.push(report)
    process.stdout.write(`${describeReport(report)}\n${values.keep ? `  kept: ${report.root}\n` : ''}`)
  } catch (error) {
    process.stdout.write(`${repository.name}: the harness failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
    process.exitCode = 1
  }
}
if (values.json) process.stdout.write(`${JSON.stringify(reports.map(({ runOutputTail: _tail, checksOutput: _checks, ...report }) => report), null, 2)}\n`)
if (reports.some((report) => !report.ok)) process.exitCode = 1
