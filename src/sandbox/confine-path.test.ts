import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { confinePath, PathOutsideWorkspaceError } from './index.ts'

describe('confinePath', () => {
  let base: string
  let workspace: string
  let outside: string

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'colony-confine-'))
    workspace = join(base, 'workspace')
    outside = join(base, 'outside')
    await mkdir(join(workspace, 'src'), { recursive: true })
    await mkdir(outside)
    await writeFile(join(outside, 'secret.txt'), 'secret')
    await symlink(outside, join(workspace, 'escape'))
    await symlink(join(outside, 'secret.txt'), join(workspace, 'secret-link.txt'))
    await symlink(join(workspace, 'src'), join(workspace, 'src-link'))
    await mkdir(join(workspace, '.git'))
  })
  afterAll(() => rm(base, { recursive: true, force: true }))

  it('resolves paths inside the workspace, existing or not, and symlinks that stay inside', () => {
    expect(confinePath(workspace, 'src/index.ts')).toBe(join(workspace, 'src', 'index.ts'))
    expect(confinePath(workspace, 'src/../README.md')).toBe(join(workspace, 'README.md'))
    expect(confinePath(workspace, 'new/deep/file.ts')).toBe(join(workspace, 'new', 'deep', 'file.ts'))
    expect(confinePath(workspace, 'src-link/a.ts')).toBe(join(workspace, 'src-link', 'a.ts'))
    expect(confinePath(workspace, '.')).toBe(workspace)
  })

  it.each([
    ['../outside/secret.txt', /leads outside the workspace/],
    ['src/../../outside', /leads outside the workspace/],
    ['/etc/passwd', /absolute paths are not accepted/],
    ['escape/secret.txt', /symbolic link that leads outside/],
    ['escape/new-file.txt', /symbolic link that leads outside/],
    ['secret-link.txt', /symbolic link that leads outside/],
    ['.git/config', /\.git is off limits/],
    ['src/../.git/HEAD', /\.git is off limits/],
    ['a\0b', /NUL byte/],
  ])('refuses %j with a message that says why', (requested, reason) => {
    expect(() => confinePath(workspace, requested)).toThrow(PathOutsideWorkspaceError)
    expect(() => confinePath(workspace, requested)).toThrow(reason)
  })

  it('admits symlinks into trees the caller allows (linked dependencies), and only those', () => {
    expect(confinePath(workspace, 'escape/secret.txt', { alsoInside: [outside] })).toBe(join(workspace, 'escape', 'secret.txt'))
    expect(() => confinePath(workspace, 'escape/secret.txt', { alsoInside: [join(base, 'elsewhere')] })).toThrow(/leads outside/)
  })
})
