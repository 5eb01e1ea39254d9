import { existsSync } from 'node:fs'
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository, git as userGit } from '../../test/support/cli.ts'
import { configSchema } from '../config/index.ts'
import { findRepository, prepareColonyDirectory } from '../repository/index.ts'
import { probeBubblewrap, sandboxFromConfig } from '../sandbox/index.ts'
import { createGit, createWorkspaces, integrate, type Workspace, type WorkspacePreparation } from './index.ts'

// Repositories laid out as people have them: a package.json, a .gitignore listing
// node_modules, and dependencies installed in the person's checkout, never committed.

const disposers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.()
})

const packageJson = JSON.stringify({ name: 'sample', version: '1.0.0', scripts: { test: 'node test.js' } }, null, 2) + '\n'

async function javascriptRepository(files: Record<string, string> = {}) {
  const repository = await createTempRepository({
    'package.json': packageJson,
    '.gitignore': 'node_modules\n.env\n',
    'index.js': "module.exports = require('left-pad')\n",
    ...files,
  })
  disposers.push(() => repository.dispose())
  await prepareColonyDirectory(await findRepository(repository.root))
  const git = createGit(repository.root)
  await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
  return { root: repository.root, git }
}

/** An installed package the way npm leaves it: its files, and a bin link in node_modules/.bin. */
async function installPackage(nodeModules: string, name: string, body = `module.exports = (text, width) => String(text).padStart(width)\n`) {
  await mkdir(join(nodeModules, name), { recursive: true })
  await writeFile(join(nodeModules, name, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js', bin: { [name]: 'cli.js' } }))
  await writeFile(join(nodeModules, name, 'index.js'), body)
  await writeFile(join(nodeModules, name, 'cli.js'), `#!/bin/sh\necho ${name} cli\n`, { mode: 0o755 })
  await mkdir(join(nodeModules, '.bin'), { recursive: true })
  await symlink(`../${name}/cli.js`, join(nodeModules, '.bin', name))
}

function workspacesFor(root: string, git: ReturnType<typeof createGit>, preparation: WorkspacePreparation) {
  return createWorkspaces({ git, root, worktreesDir: join(root, '.colony', 'worktrees'), target: 'colony/main', preparation })
}

function land(workspace: Workspace, exclude: string[]) {
  return integrate({
    git: workspace.git,
    target: 'colony/main',
    task: { id: workspace.taskId, title: `Task ${workspace.taskId}`, description: '', scope: [] },
    author: { name: 'worker', email: 'worker@colony.local' },
    diffLimit: 1000,
    exclude,
    gate: async () => ({ passed: true, output: '' }),
  })
}

/** Every entry under a directory with its kind and content (or link target), to compare before and after. */
async function treeSnapshot(directory: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {}
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    if (entry.isSymbolicLink()) entries[path] = `link -> ${await readlink(path)}`
    else if (entry.isFile()) entries[path] = `file ${(await lstat(path)).mode.toString(8)} ${await readFile(path, 'utf8')}`
    else entries[path] = 'directory'
  }
  return entries
}

async function landedFiles(git: ReturnType<typeof createGit>): Promise<string[]> {
  return git.lines(['ls-tree', '-r', '--name-only', 'colony/main'])
}

const bubblewrap = probeBubblewrap()
const withBubblewrap = bubblewrap.available ? it : it.skip

function sandboxFor(root: string, link: string[]) {
  return sandboxFromConfig(configSchema.parse({ workspace: { link }, sandbox: { mode: 'bubblewrap', memoryMb: 1024 } }), root)
}

describe('a change lands from a worktree with linked dependencies (obs. 1)', () => {
  it('when .gitignore lists the linked node_modules', async () => {
    const { root, git } = await javascriptRepository()
    await installPackage(join(root, 'node_modules'), 'left-pad')
    const workspace = await workspacesFor(root, git, { link: ['node_modules'], copy: [], setup: [] }).open(1)
    await writeFile(join(workspace.path, 'index.js'), "module.exports = require('left-pad')('x', 2)\n")

    const outcome = await land(workspace, ['node_modules'])

    expect(outcome.status, outcome.status === 'merged' ? '' : outcome.message).toBe('merged')
    expect(await git.text(['show', 'colony/main:index.js'])).toBe("module.exports = require('left-pad')('x', 2)")
    expect(await landedFiles(git)).toEqual(['.gitignore', 'index.js', 'package.json'])
  })

  it('when .git/info/exclude hides the linked path', async () => {
    const { root, git } = await javascriptRepository()
    await writeFile(join(root, '.git', 'info', 'exclude'), '.colony/\n.venv\n')
    await mkdir(join(root, '.venv', 'bin'), { recursive: true })
    await writeFile(join(root, '.venv', 'bin', 'python'), '#!/bin/sh\n')
    const workspace = await workspacesFor(root, git, { link: ['.venv'], copy: [], setup: [] }).open(1)
    await writeFile(join(workspace.path, 'notes.md'), 'a note\n')

    const outcome = await land(workspace, ['.venv'])

    expect(outcome.status, outcome.status === 'merged' ? '' : outcome.message).toBe('merged')
    expect(await landedFiles(git)).toEqual(['.gitignore', 'index.js', 'notes.md', 'package.json'])
  })

  it('when the linked and copied paths are not ignored at all, nor the cache a tool wrote into them', async () => {
    const { root, git } = await javascriptRepository({ '.gitignore': '' })
    await installPackage(join(root, 'node_modules'), 'left-pad')
    await writeFile(join(root, 'local.settings'), 'secret=1\n')
    const workspace = await workspacesFor(root, git, { link: ['node_modules'], copy: ['local.settings'], setup: [] }).open(1)
    await mkdir(join(workspace.path, 'node_modules', '.cache'), { recursive: true })
    await writeFile(join(workspace.path, 'node_modules', '.cache', 'babel.json'), '{}\n')
    await writeFile(join(workspace.path, 'index.js'), '// changed\n')

    const outcome = await land(workspace, ['node_modules', 'local.settings'])

    expect(outcome.status, outcome.status === 'merged' ? '' : outcome.message).toBe('merged')
    expect(await landedFiles(git)).toEqual(['.gitignore', 'index.js', 'package.json'])
  })

  it('when the worker force-added and committed a cache inside the linked directory itself', async () => {
    const { root, git } = await javascriptRepository()
    await installPackage(join(root, 'node_modules'), 'left-pad')
    const workspace = await workspacesFor(root, git, { link: ['node_modules'], copy: [], setup: [] }).open(1)
    await mkdir(join(workspace.path, 'node_modules', '.cache'), { recursive: true })
    await writeFile(join(workspace.path, 'node_modules', '.cache', 'babel.json'), '{}\n')
    await writeFile(join(workspace.path, 'index.js'), '// changed\n')
    await userGit(workspace.path, ['add', '-f', 'node_modules/.cache/babel.json', 'node_modules/left-pad', 'index.js'])
    await userGit(workspace.path, ['commit', '-qm', 'work in progress'])

    const outcome = await land(workspace, ['node_modules'])

    expect(outcome.status, outcome.status === 'merged' ? '' : outcome.message).toBe('merged')
    expect(await landedFiles(git)).toEqual(['.gitignore', 'index.js', 'package.json'])
  })

  it('when the linked path is a symlink that a trailing-slash .gitignore entry does not match', async () => {
    const { root, git } = await javascriptRepository({ '.gitignore': 'settings.json/\n' })
    const shared = await mkdtemp(join(tmpdir(), 'colony-shared-'))
    disposers.push(() => rm(shared, { recursive: true, force: true }))
    await writeFile(join(shared, 'settings.json'), '{}\n')
    await symlink(join(shared, 'settings.json'), join(root, 'settings.json'))
    const workspace = await workspacesFor(root, git, { link: ['settings.json'], copy: [], setup: [] }).open(1)
    expect((await lstat(join(workspace.path, 'settings.json'))).isSymbolicLink()).toBe(true)
    await writeFile(join(workspace.path, 'index.js'), '// changed\n')

    const outcome = await land(workspace, ['settings.json'])

    expect(outcome.status, outcome.status === 'merged' ? '' : outcome.message).toBe('merged')
    expect(await landedFiles(git)).toEqual(['.gitignore', 'index.js', 'package.json'])
  })

  it('keeps a rebase the worker resolved going when linked paths are ignored', async () => {
    const { root, git } = await javascriptRepository({ 'shared.txt': 'one\n' })
    await installPackage(join(root, 'node_modules'), 'left-pad')
    const workspaces = workspacesFor(root, git, { link: ['node_modules'], copy: [], setup: [] })
    const [first, second] = [await workspaces.open(1), await workspaces.open(2)]
    await writeFile(join(first.path, 'shared.txt'), 'first\n')
    await writeFile(join(second.path, 'shared.txt'), 'second\n')
    expect((await land(first, ['node_modules'])).status).toBe('merged')
    expect((await land(second, ['node_modules'])).status).toBe('conflict')

    await writeFile(join(second.path, 'shared.txt'), 'first\nsecond\n')
    const outcome = await land(second, ['node_modules'])

    expect(outcome.status, outcome.status === 'merged' ? '' : outcome.message).toBe('merged')
    expect(await git.text(['show', 'colony/main:shared.txt'])).toBe('first\nsecond')
    expect(await landedFiles(git)).toEqual(['.gitignore', 'index.js', 'package.json', 'shared.txt'])
  })
})

describe('linked dependencies inside the sandbox', () => {
  withBubblewrap('resolve when the repository\'s node_modules is itself a symlink to a shared copy (obs. 9)', async () => {
    const { root, git } = await javascriptRepository()
    const shared = await mkdtemp(join(tmpdir(), 'colony-shared-'))
    disposers.push(() => rm(shared, { recursive: true, force: true }))
    await installPackage(join(shared, 'node_modules'), 'left-pad')
    await symlink(join(shared, 'node_modules'), join(root, 'node_modules'))
    const workspace = await workspacesFor(root, git, { link: ['node_modules'], copy: [], setup: [] }).open(1)

    const result = await sandboxFor(root, ['node_modules']).run(`node -e "console.log(require('left-pad')('x', 3))" && node_modules/.bin/left-pad`, { cwd: workspace.path, timeoutMs: 20_000 })

    expect(result.output).toBe('  x\nleft-pad cli\n')
    expect(result.exitCode).toBe(0)
  })

  withBubblewrap('are writable where tools keep caches, and the person\'s copy stays byte-identical (obs. 11)', async () => {
    const { root, git } = await javascriptRepository()
    await installPackage(join(root, 'node_modules'), 'left-pad')
    await mkdir(join(root, 'node_modules', '.cache', 'babel'), { recursive: true })
    await writeFile(join(root, 'node_modules', '.cache', 'babel', 'entry.json'), '{"person": true}\n')
    const before = await treeSnapshot(join(root, 'node_modules'))
    const workspace = await workspacesFor(root, git, { link: ['node_modules'], copy: [], setup: [] }).open(1)

    const result = await sandboxFor(root, ['node_modules']).run(
      "mkdir -p node_modules/.vitest node_modules/.cache && echo results > node_modules/.vitest/x && echo cached > node_modules/.cache/y && node -e \"console.log(require('left-pad')('ok', 4))\"",
      { cwd: workspace.path, timeoutMs: 20_000 },
    )

    expect(result.output).toBe('  ok\n')
    expect(result.exitCode).toBe(0)
    expect(await readFile(join(workspace.path, 'node_modules', '.vitest', 'x'), 'utf8')).toBe('results\n')
    expect(await treeSnapshot(join(root, 'node_modules'))).toEqual(before)
    // Writes outside the cache entries still cannot reach the shared copy.
    const blocked = await sandboxFor(root, ['node_modules']).run('echo tampered > node_modules/left-pad/index.js', { cwd: workspace.path, timeoutMs: 20_000 })
    expect(blocked.exitCode).not.toBe(0)
    expect(await treeSnapshot(join(root, 'node_modules'))).toEqual(before)
    expect((await land(workspace, ['node_modules'])).status).toBe('nothing-to-commit')
  })
})

describe('glob links in a workspaces monorepo', () => {
  async function monorepo() {
    const repository = await javascriptRepository({
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }) + '\n',
      'packages/app/package.json': JSON.stringify({ name: '@mono/app', version: '1.0.0' }) + '\n',
      'packages/app/index.js': "module.exports = require('@mono/lib') + require('app-only')\n",
      'packages/lib/package.json': JSON.stringify({ name: '@mono/lib', version: '1.0.0' }) + '\n',
      'packages/lib/index.js': "module.exports = 'lib'\n",
      'index.js': '',
    })
    await installPackage(join(repository.root, 'node_modules'), 'left-pad')
    // npm and yarn link each workspace package into the root node_modules.
    await mkdir(join(repository.root, 'node_modules', '@mono'), { recursive: true })
    await symlink('../../packages/app', join(repository.root, 'node_modules', '@mono', 'app'))
    await symlink('../../packages/lib', join(repository.root, 'node_modules', '@mono', 'lib'))
    await installPackage(join(repository.root, 'packages', 'app', 'node_modules'), 'app-only', "module.exports = '+app-only'\n")
    return repository
  }

  it('links every ignored directory a glob matches, and commits none of them', async () => {
    const { root, git } = await monorepo()
    const workspace = await workspacesFor(root, git, { link: ['**/node_modules'], copy: [], setup: [] }).open(1)

    expect(existsSync(join(workspace.path, 'node_modules', 'left-pad', 'index.js'))).toBe(true)
    expect(existsSync(join(workspace.path, 'packages', 'app', 'node_modules', 'app-only', 'index.js'))).toBe(true)
    expect(existsSync(join(workspace.path, 'packages', 'lib', 'node_modules'))).toBe(false)
    await writeFile(join(workspace.path, 'packages', 'lib', 'index.js'), "module.exports = 'lib v2'\n")
    const outcome = await land(workspace, ['**/node_modules'])
    expect(outcome.status, outcome.status === 'merged' ? '' : outcome.message).toBe('merged')
    expect((await landedFiles(git)).filter((path) => path.includes('node_modules'))).toEqual([])
  })

  withBubblewrap('resolves workspace packages to the task\'s own copy, and each matched node_modules inside the sandbox', async () => {
    const { root, git } = await monorepo()
    const workspace = await workspacesFor(root, git, { link: ['**/node_modules'], copy: [], setup: [] }).open(1)
    await writeFile(join(workspace.path, 'packages', 'lib', 'index.js'), "module.exports = 'lib v2'\n")

    const result = await sandboxFor(root, ['**/node_modules']).run(`node -e "console.log(require('@mono/app'))"`, { cwd: workspace.path, timeoutMs: 20_000 })

    expect(result.output).toBe('lib v2+app-only\n')
    expect(await userGit(root, ['status', '--porcelain'])).toBe('')
  })
})
