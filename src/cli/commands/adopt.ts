import type { Command } from 'commander'
import { adoptionMessage } from '../../delivery/index.ts'
import { adoptTarget, createGit, readyCheckout, targetTip, type Adoption, type AdoptMode } from '../../git/index.ts'
import { assertTargetUsable, TargetBranchMissingError } from '../../repository/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { printJson } from '../format.ts'
import { withSession } from '../session.ts'
import { UsageError } from '../usage-error.ts'

/** `colony adopt`: the target brought into the branch the person has checked out, on their request. */
export function registerAdopt(program: Command): void {
  program
    .command('adopt')
    .description('bring the target into the branch you have checked out: a fast-forward when it can, else a merge commit; never over uncommitted changes')
    .option('--ff-only', 'only fast-forward; refuse when your branch has commits the target does not')
    .option('--no-commit', 'merge into the index and working tree and leave the commit to you')
    .option('--json', 'what it did, as JSON (see docs/cli.md)')
    .action(async (options: { ffOnly?: boolean; commit: boolean; json?: boolean }) => {
      if (options.ffOnly && !options.commit) throw new UsageError('--no-commit', 'give --ff-only or --no-commit, not both', 'a fast-forward makes no commit to leave to you: drop one of them')
      const mode: AdoptMode = options.ffOnly ? 'ff-only' : options.commit ? 'merge' : 'no-commit'
      await withSession(process.cwd(), async ({ layout, config, store, run }) => {
        await assertTargetUsable(layout, config, run)
        const git = createGit(layout.root)
        const checkout = await readyCheckout(git, config.target)
        const tip = await targetTip(git, { target: config.target, remote: config.remote })
        if (!tip) throw new TargetBranchMissingError(config.target)
        const adoption = await adoptTarget({ git, checkout, target: config.target, tip, mode, message: (incoming) => adoptionMessage(store, config.target, incoming, run) })
        if (options.json) return printJson(adoptionJson(adoption, config.target))
        process.stdout.write(`${describeAdoption(adoption, config.target)}\n`)
      })
    })
}

const short = (commit: string) => commit.slice(0, 12)

function incomingTasks(adoption: Adoption): { id: number; title: string; commit: string }[] {
  if (adoption.kind === 'up-to-date') return []
  return [...adoption.incoming]
    .reverse()
    .flatMap((commit) => (commit.taskId === undefined ? [] : [{ id: commit.taskId, title: commit.subject, commit: commit.commit }]))
}

function describeAdoption(adoption: Adoption, target: string): string {
  const tasks = incomingTasks(adoption)
  const list = tasks.map((task) => terminalText(`  task ${task.id}  ${short(task.commit)}  ${task.title}`))
  const bringing = tasks.length === 0 ? '' : `, bringing in ${tasks.length} task${tasks.length === 1 ? '' : 's'}:`
  switch (adoption.kind) {
    case 'up-to-date':
      return `${adoption.branch} already has everything on ${target} (${short(adoption.tip)}): nothing to do`
    case 'fast-forward':
      return [`fast-forwarded ${adoption.branch} from ${short(adoption.from)} to ${short(adoption.to)} (${target})${bringing}`, ...list].join('\n')
    case 'merge':
      return [`merged ${target} (${short(adoption.tip)}) into ${adoption.branch}: merge commit ${short(adoption.commit)}${bringing}`, ...list].join('\n')
    case 'staged':
      return [
        `merged ${target} (${short(adoption.tip)}) into ${adoption.branch}'s index and working tree, not committed${bringing}`,
        ...list,
        'review it (`git diff --cached`), then `git commit` (the message is prepared) or `git merge --abort`',
      ].join('\n')
  }
}

function adoptionJson(adoption: Adoption, target: string) {
  const from = adoption.kind === 'up-to-date' ? adoption.head : adoption.from
  const head = adoption.kind === 'fast-forward' ? adoption.to : adoption.kind === 'merge' ? adoption.commit : from
  return {
    action: adoption.kind,
    branch: adoption.branch,
    target,
    tip: adoption.kind === 'fast-forward' ? adoption.to : adoption.tip,
    from,
    head,
    mergeCommit: adoption.kind === 'merge' ? adoption.commit : null,
    tasks: incomingTasks(adoption),
  }
}
