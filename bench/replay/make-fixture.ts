// Vendors a slice of a public repository's history as a small git bundle for
// bench/replay.ts: the first-parent commits BASE..LAST, re-rooted so the bundle
// needs nothing else (BASE becomes a parentless commit with BASE's tree; every
// later commit keeps its tree, author, committer, dates and message, so tree
// hashes match upstream's exactly). Writes test/fixtures/NAME.bundle with
// refs/heads/main (LAST) and refs/tags/replay-base (BASE), and prints the
// upstream → replay commit map to paste into bench/replay/repositories.ts.
//   node bench/replay/make-fixture.ts --source GIT_DIR --base SHA --last SHA --name NAME
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { source: { type: 'string' }, base: { type: 'string' }, last: { type: 'string' }, name: { type: 'string' } } })
if (!values.source || !values.base || !values.last || !values.name) {
  process.stderr.write('usage: node bench/replay/make-fixture.ts --source GIT_DIR --base SHA --last SHA --name NAME\n')
  process.exit(2)
}
const out = join(import.meta.dirname, '..', '..', 'test', 'fixtures', `${values.name}.bundle`)
const work = mkdtempSync(join(tmpdir(), 'colony-replay-fixture-'))
const git = (args: string[], env: Record<string, string> = {}, input?: string) =>
  execFileSync('git', args, { cwd: work, env: { ...process.env, ...env }, input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim()

try {
  git(['init', '-q', '--bare'])
  git(['fetch', '-q', values.source, `${values.last}:refs/upstream/last`])
  const base = git(['rev-parse', `${values.base}^{commit}`])
  const last = git(['rev-parse', `${values.last}^{commit}`])
  const commits = git(['rev-list', '--first-parent', '--reverse', `${base}..${last}`]).split('\n')
  if (git(['merge-base', '--is-ancestor', base, last]) !== '' || commits.length === 0) throw new Error('BASE must be a first-parent ancestor of LAST')
  const map: { upstream: string; replay: string }[] = []
  let parent: string | undefined
  for (const commit of [base, ...commits]) {
    const parents = git(['rev-list', '--parents', '-n', '1', commit]).split(' ').slice(1)
    if (commit !== base && parents.length !== 1) throw new Error(`${commit} is a merge; pick a slice without merges`)
    const [an, ae, ad, cn, ce, cd] = git(['log', '-1', '--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI', commit]).split('\0')
    const message = execFileSync('git', ['log', '-1', '--format=%B', commit], { cwd: work, encoding: 'utf8' })
    const env = { GIT_AUTHOR_NAME: an!, GIT_AUTHOR_EMAIL: ae!, GIT_AUTHOR_DATE: ad!, GIT_COMMITTER_NAME: cn!, GIT_COMMITTER_EMAIL: ce!, GIT_COMMITTER_DATE: cd! }
    const replay = git(['commit-tree', `${commit}^{tree}`, ...(parent ? ['-p', parent] : []), '-F', '-'], env, message)
    map.push({ upstream: commit, replay })
    parent = replay
  }
  git(['update-ref', 'refs/heads/main', parent!])
  git(['update-ref', 'refs/tags/replay-base', map[0]!.replay])
  git(['bundle', 'create', '-q', out, 'refs/heads/main', 'refs/tags/replay-base'])
  // The bundle must stand alone: a fresh clone of it verifies and holds both refs.
  const check = join(work, 'check')
  execFileSync('git', ['clone', '-q', '--bare', out, check])
  execFileSync('git', ['-C', check, 'fsck', '--no-progress', '--connectivity-only'])
  process.stdout.write(`${out}: ${(statSync(out).size / 1024).toFixed(0)} KiB, ${commits.length} commits after the base\n`)
  process.stdout.write(`${JSON.stringify(map.map((entry) => entry.upstream))}\n`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
