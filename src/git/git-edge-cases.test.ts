import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository, git as userGit } from '../../test/support/cli.ts'
import { editFileTool, writeFileTool, type AgentTool, type ToolContext } from '../agent/index.ts'
import { findRepository, prepareColonyDirectory } from '../repository/index.ts'
import { createSandbox } from '../sandbox/index.ts'
import { openStore } from '../store/index.ts'
import { createGit, createWorkspaces, integrate, revertOnTarget, targetLog, type Workspace } from './index.ts'

// The git edge cases a real repository brings (docs/real-repositories.md), each
// through integrate() on a real temporary repository.

const disposers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.()
})

async function temporaryDirectory(prefix: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), prefix))
  disposers.push(() => rm(directory, { recursive: true, force: true }))
  return directory
}

async function colonyIn(root: string) {
  await prepareColonyDirectory(await findRepository(root))
  const git = createGit(root)
  await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
  return { root, git, workspaces: createWorkspaces({ git, root, worktreesDir: join(root, '.colony', 'worktrees'), target: 'colony/main' }) }
}

async function repository(files: Record<string, string>) {
  const created = await createTempRepository(files)
  disposers.push(() => created.dispose())
  return colonyIn(created.root)
}

function land(workspace: Workspace, options: { scope?: string[]; diffLimit?: number } = {}) {
  return integrate({
    git: workspace.git,
    target: 'colony/main',
    task: { id: workspace.taskId, title: `Task ${workspace.taskId}`, description: '', scope: options.scope ?? [] },
    author: { name: 'worker', email: 'worker@colony.local' },
    diffLimit: options.diffLimit ?? 1000,
    gate: async () => ({ passed: true, output: '' }),
  })
}

const messageOf = (outcome: { status: string; message: string }) => (outcome.status === 'merged' ? '' : outcome.message)

describe('commit hooks of the repository never run for Colony\'s git operations', () => {
  async function hookedRepository(hooksDirectory: (root: string) => string, configure: (root: string) => Promise<void>) {
    const created = await repository({ 'shared.txt': 'one\n', 'package.json': '{}\n' })
    const markers = await temporaryDirectory('colony-hook-markers-')
    const hooks = hooksDirectory(created.root)
    await mkdir(hooks, { recursive: true })
    for (const hook of ['pre-commit', 'commit-msg', 'pre-rebase', 'post-checkout', 'post-commit', 'post-rewrite', 'reference-transaction']) {
      const failing = hook === 'pre-commit' || hook === 'pre-rebase' || hook === 'commit-msg'
      await writeFile(join(hooks, hook), `#!/bin/sh\necho ${hook} >> "${markers}/ran"\n${failing ? 'exit 1\n' : ''}`, { mode: 0o755 })
    }
    await configure(created.root)
    return { ...created, markers }
  }

  async function integrateWithRebase(created: Awaited<ReturnType<typeof hookedRepository>>) {
    const configBefore = await readFile(join(created.root, '.git', 'config'), 'utf8')
    const [first, second] = [await created.workspaces.open(1), await created.workspaces.open(2)]
    await writeFile(join(first.path, 'shared.txt'), 'first\n')
    await writeFile(join(second.path, 'shared.txt'), 'second\n')
    expect(messageOf(await land(first))).toBe('')
    const conflict = await land(second)
    expect(conflict.status, conflict.message).toBe('conflict')
    await writeFile(join(second.path, 'shared.txt'), 'first\nsecond\n')
    expect(messageOf(await land(second))).toBe('')
    const scratch = await created.workspaces.openDetached('revert', await created.git.text(['rev-parse', 'colony/main']))
    await revertOnTarget({ scratch, target: 'colony/main', commit: await created.git.text(['rev-parse', 'colony/main']), taskId: 2, reason: 'test' })

    expect(await created.git.text(['show', 'colony/main:shared.txt'])).toBe('first')
    expect(existsSync(join(created.markers, 'ran')) ? await readFile(join(created.markers, 'ran'), 'utf8') : 'no hook ran').toBe('no hook ran')
    expect(await readFile(join(created.root, '.git', 'config'), 'utf8')).toBe(configBefore)
  }

  it('husky (core.hooksPath = .husky/_): a failing pre-commit and pre-rebase, a post-checkout that writes a marker', async () => {
    const created = await hookedRepository((root) => join(root, '.husky', '_'), (root) => userGit(root, ['config', 'core.hooksPath', '.husky/_']).then(() => undefined))
    await integrateWithRebase(created)
  })

  it('plain .git/hooks', async () => {
    const created = await hookedRepository((root) => join(root, '.git', 'hooks'), async () => undefined)
    await integrateWithRebase(created)
  })
})

describe('a change made of deletions, renames, mode changes, symlinks and binary files', () => {
  const longFile = Array.from({ length: 300 }, (_, index) => `line ${index + 1}`).join('\n') + '\n'
  const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0xff, 0x00, 0x10])

  async function changedWorktree() {
    const created = await repository({ 'README.md': '# sample\n', 'obsolete.txt': 'old\n', 'docs/old-name.md': longFile, 'run.sh': '#!/bin/sh\necho run\n', 'image.png': '' })
    await writeFile(join(created.root, 'image.png'), binary)
    await userGit(created.root, ['commit', '-qam', 'binary image'])
    await created.git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
    const workspace = await created.workspaces.open(1)
    await unlink(join(workspace.path, 'obsolete.txt'))
    await rename(join(workspace.path, 'docs', 'old-name.md'), join(workspace.path, 'docs', 'new-name.md'))
    await chmod(join(workspace.path, 'run.sh'), 0o755)
    await symlink('README.md', join(workspace.path, 'readme-link'))
    await writeFile(join(workspace.path, 'image.png'), Buffer.concat([binary, binary]))
    await writeFile(join(workspace.path, 'icon.bin'), binary)
    return { ...created, workspace }
  }

  it('a commit subject holding the log\'s old field and record separators cannot forge an author or a task id', async () => {
    const { root, git } = await repository({ 'a.txt': 'a\n' })
    const forged = 'fix\x1fmallory\x1f2020-01-01T00:00:00Z\x1f99\x1f\x1eother'
    const tree = await git.text(['rev-parse', 'colony/main^{tree}'])
    const commit = await git.text(['commit-tree', tree, '-p', 'colony/main', '-m', forged], { env: { GIT_AUTHOR_NAME: 'Person', GIT_AUTHOR_EMAIL: 'p@example.com', GIT_COMMITTER_NAME: 'Person', GIT_COMMITTER_EMAIL: 'p@example.com' } })
    await git.run(['update-ref', 'refs/heads/colony/main', commit])
    const [newest, initial] = await targetLog(createGit(root), 'colony/main')
    expect(newest).toMatchObject({ commit, subject: forged, author: 'Person', taskId: undefined })
    expect(initial?.subject).toBe('initial')
  })

  it('lands exactly: the landed tree is the worktree\'s tree', async () => {
    const { git, workspace } = await changedWorktree()
    // Within a limit of 50 lines: the 300-line file moved counts as its move, not as 600 changed lines.
    const outcome = await land(workspace, { diffLimit: 50 })
    expect(messageOf(outcome)).toBe('')
    const tree = (await git.lines(['ls-tree', '-r', 'colony/main'])).map((line) => line.replace(/ [0-9a-f]{40}\t/, ' '))
    expect(tree).toEqual(['100644 blob README.md', '100644 blob docs/new-name.md', '100644 blob icon.bin', '100644 blob image.png', '120000 blob readme-link', '100755 blob run.sh'])
    expect(await git.text(['cat-file', 'blob', 'colony/main:readme-link'])).toBe('README.md')
    expect(await git.text(['cat-file', 'blob', 'colony/main:docs/new-name.md'])).toBe(longFile.trim())
    for (const binaryFile of ['image.png', 'icon.bin']) {
      expect(await git.text(['rev-parse', `colony/main:${binaryFile}`])).toBe(await workspace.git.text(['hash-object', binaryFile]))
    }
  })

  it('the scope check sees both sides of a rename', async () => {
    const { workspace } = await changedWorktree()
    const outcome = await land(workspace, { scope: ['docs/new-name.md', 'obsolete.txt', 'run.sh', 'readme-link', 'image.png', 'icon.bin'] })
    expect(outcome.status).toBe('out-of-scope')
    expect(outcome.status === 'out-of-scope' && outcome.files).toEqual(['docs/old-name.md'])
  })

  it('counts a moved file, a mode change and a binary file as one line each of the diff limit', async () => {
    const { workspace } = await changedWorktree()
    const outcome = await land(workspace, { diffLimit: 5 })
    // obsolete.txt 1, the move 1, run.sh's mode 1, readme-link 1, image.png 1, icon.bin 1.
    expect(outcome.status === 'too-large' && outcome.lines).toBe(6)
  })
})

describe('.gitattributes line endings (* text=auto eol=crlf)', () => {
  async function crlfRepository() {
    const created = await repository({ '.gitattributes': '* text=auto eol=crlf\n', 'notes.txt': 'one\ntwo\nthree\n', 'other.txt': 'alpha\nbeta\n' })
    const workspace = await created.workspaces.open(1)
    const store = await openStore(join(await temporaryDirectory('colony-store-'), 'tools.db'))
    disposers.push(() => store.close())
    const run = await store.createRun({ target: 'colony/main' })
    const policy = { network: false, readable: [], writable: [], env: [], memoryMb: 512, processes: 64, outputBytes: 20_000, approve: [], refuse: [] }
    const context: ToolContext = { workspace: workspace.path, readableLinks: [], sandbox: createSandbox({ repositoryRoot: created.root, policy, mode: 'host', warn: () => undefined }), policy, store, runId: run.id, taskId: 1, agentId: null, role: 'worker', commit: null, maxCommandSeconds: 30 }
    const call = <T extends AgentTool>(tool: T, input: unknown) => tool.execute(tool.inputSchema.parse(input), context)
    return { ...created, workspace, call }
  }

  it('a worktree is checked out with CRLF, and a file written with LF lands normalized, changing only its changed line', async () => {
    const { git, workspace, call } = await crlfRepository()
    expect(await readFile(join(workspace.path, 'notes.txt'), 'utf8')).toBe('one\r\ntwo\r\nthree\r\n')
    await call(writeFileTool, { path: 'notes.txt', content: 'one\ntwo\nTHREE\n' })
    const base = await git.text(['rev-parse', 'colony/main'])

    expect(messageOf(await land(workspace))).toBe('')

    expect((await git.run(['cat-file', 'blob', 'colony/main:notes.txt'])).stdout).toBe('one\ntwo\nTHREE\n')
    expect(await git.text(['diff', '--numstat', base, 'colony/main'])).toBe('1\t1\tnotes.txt')
  })

  it('edit_file finds an old_string written with \\n in a CRLF file and keeps the file\'s CRLF endings', async () => {
    const { git, workspace, call } = await crlfRepository()
    await call(editFileTool, { path: 'other.txt', old_string: 'alpha\nbeta', new_string: 'alpha\ngamma\nbeta' })
    expect(await readFile(join(workspace.path, 'other.txt'), 'utf8')).toBe('alpha\r\ngamma\r\nbeta\r\n')

    expect(messageOf(await land(workspace))).toBe('')
    expect((await git.run(['cat-file', 'blob', 'colony/main:other.txt'])).stdout).toBe('alpha\ngamma\nbeta\n')
  })
})

describe('submodules', () => {
  async function repositoryWithSubmodule() {
    const library = await temporaryDirectory('colony-submodule-')
    await userGit(library, ['init', '-q', '-b', 'main'])
    await writeFile(join(library, 'lib.js'), 'module.exports = 1\n')
    await userGit(library, ['add', '-A'])
    await userGit(library, ['commit', '-qm', 'library'])
    const created = await createTempRepository({ 'README.md': '# sample\n' })
    disposers.push(() => created.dispose())
    await userGit(created.root, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', `file://${library}`, 'vendor/lib'])
    await userGit(created.root, ['commit', '-qm', 'add the library as a submodule'])
    const colony = await colonyIn(created.root)
    return { ...colony, library, configBefore: await readFile(join(created.root, '.git', 'config'), 'utf8') }
  }

  it('a worktree holds an empty directory for a submodule; a change elsewhere lands, and .git/config is untouched', async () => {
    const { root, git, workspaces, configBefore } = await repositoryWithSubmodule()
    const workspace = await workspaces.open(1)
    expect(existsSync(join(workspace.path, 'vendor', 'lib'))).toBe(true)
    expect(existsSync(join(workspace.path, 'vendor', 'lib', 'lib.js'))).toBe(false)
    await writeFile(join(workspace.path, 'README.md'), '# sample, changed\n')

    expect(messageOf(await land(workspace))).toBe('')
    expect(await git.text(['ls-tree', 'colony/main', 'vendor/lib'])).toMatch(/^160000 commit /)
    expect(await readFile(join(root, '.git', 'config'), 'utf8')).toBe(configBefore)
  })

  it('a repository an agent nests in its worktree is refused, and git on the host never runs its config', async () => {
    const { root, workspaces } = await repository({ 'README.md': '# sample\n' })
    const marker = join(await temporaryDirectory('colony-nested-'), 'ran-on-the-host')
    const workspace = await workspaces.open(1)
    const nested = join(workspace.path, 'sub')
    await mkdir(nested)
    await userGit(nested, ['init', '-q'])
    await writeFile(join(nested, 'f.txt'), 'x\n')
    await userGit(nested, ['add', 'f.txt'])
    await userGit(nested, ['commit', '-qm', 'nested'])
    await userGit(nested, ['config', 'core.fsmonitor', `touch ${marker}; false`])
    await writeFile(join(workspace.path, 'README.md'), 'changed\n')

    const landed = await land(workspace)
    expect(landed.status).toBe('unsupported')
    expect(messageOf(landed)).toContain('sub')
    // What Colony's git does in a worktree later (staging, a resumed attempt's status, a diff) with the pointer staged.
    await workspace.git.run(['add', '-A'])
    await workspace.git.run(['status', '--porcelain'])
    await workspace.git.run(['diff', 'HEAD'])
    expect(existsSync(marker)).toBe(false)
    expect(await userGit(root, ['ls-tree', 'colony/main', 'sub'])).toBe('')
  })

  it('refuses a change that removes or moves a submodule pointer, naming it and why', async () => {
    const { root, git, workspaces, library, configBefore } = await repositoryWithSubmodule()
    const removing = await workspaces.open(1)
    await rm(join(removing.path, 'vendor', 'lib'), { recursive: true })
    const removed = await land(removing)
    expect(removed.status).toBe('unsupported')
    expect(removed.message).toContain('vendor/lib: it is a git submodule')

    const moving = await workspaces.open(2)
    await writeFile(join(library, 'lib.js'), 'module.exports = 2\n')
    await userGit(library, ['commit', '-qam', 'newer library'])
    await moving.git.run(['update-index', '--cacheinfo', `160000,${await userGit(library, ['rev-parse', 'HEAD'])},vendor/lib`])
    const moved = await land(moving)
    expect(moved.status === 'unsupported' && moved.files).toEqual(['vendor/lib'])

    const writingInside = await workspaces.open(3)
    await writeFile(join(writingInside.path, 'vendor', 'lib', 'patch.js'), 'patched\n')
    await writeFile(join(writingInside.path, 'README.md'), 'changed\n')
    const inside = await land(writingInside)
    expect(inside.status).toBe('unsupported')
    expect(inside.message).toContain('patch.js')

    expect(await git.text(['rev-parse', 'colony/main'])).toBe(await git.text(['rev-parse', 'main']))
    expect(await readFile(join(root, '.git', 'config'), 'utf8')).toBe(configBefore)
  })
})

describe('Git LFS pointers (filter=lfs, without git-lfs)', () => {
  const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n'

  it('refuses new content for an LFS path, naming it and why, and lands changes that leave pointers alone', async () => {
    const { git, workspaces } = await repository({ '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n', 'model.onnx': pointer, 'README.md': '# sample\n' })
    const writing = await workspaces.open(1)
    expect(await readFile(join(writing.path, 'model.onnx'), 'utf8')).toBe(pointer)
    await writeFile(join(writing.path, 'model.onnx'), 'the real weights, which belong in LFS storage\n')
    await writeFile(join(writing.path, 'new-model.onnx'), 'more weights\n')
    const refused = await land(writing)
    expect(refused.status === 'unsupported' && refused.files).toEqual(['model.onnx', 'new-model.onnx'])
    expect(refused.message).toContain('model.onnx: it is stored with Git LFS')

    const renaming = await workspaces.open(2)
    await rename(join(renaming.path, 'model.onnx'), join(renaming.path, 'renamed.onnx'))
    await writeFile(join(renaming.path, 'README.md'), '# sample, changed\n')
    expect(messageOf(await land(renaming))).toBe('')
    expect((await git.run(['cat-file', 'blob', 'colony/main:renamed.onnx'])).stdout).toBe(pointer)
  })
})

describe('a shallow clone', () => {
  it('opens worktrees, integrates and reverts', async () => {
    const upstream = await createTempRepository({ 'README.md': '# sample\n', 'a.txt': 'a\n' })
    disposers.push(() => upstream.dispose())
    for (const version of [2, 3]) {
      await writeFile(join(upstream.root, 'a.txt'), `a${version}\n`)
      await userGit(upstream.root, ['commit', '-qam', `version ${version}`])
    }
    const clone = join(await temporaryDirectory('colony-shallow-'), 'clone')
    await userGit(tmpdir(), ['clone', '-q', '--depth', '1', `file://${upstream.root}`, clone])
    expect(await userGit(clone, ['rev-parse', '--is-shallow-repository'])).toBe('true')
    const { git, workspaces } = await colonyIn(clone)

    const workspace = await workspaces.open(1)
    await writeFile(join(workspace.path, 'b.txt'), 'b\n')
    const outcome = await land(workspace)
    expect(messageOf(outcome)).toBe('')
    const landed = await git.text(['rev-parse', 'colony/main'])
    expect(await git.text(['show', 'colony/main:b.txt'])).toBe('b')

    const scratch = await workspaces.openDetached('revert', landed)
    await revertOnTarget({ scratch, target: 'colony/main', commit: landed, taskId: 1, reason: 'test' })
    expect(await git.run(['cat-file', '-e', 'colony/main:b.txt'], { okExitCodes: [128] }).then((result) => result.exitCode)).toBe(128)
    expect(await git.text(['show', 'colony/main:a.txt'])).toBe('a3')
    expect(await userGit(clone, ['rev-parse', '--is-shallow-repository'])).toBe('true')
  })
})
