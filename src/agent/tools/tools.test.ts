import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempRepository } from '../../../test/support/cli.ts'
import { createSandbox } from '../../sandbox/index.ts'
import { openStore, type Store } from '../../store/index.ts'
import { editFileTool, listFilesTool, noteTool, readFileTool, runCommandTool, searchTool, writeFileTool, type AgentTool, type ToolContext } from './index.ts'

describe('agent tools', () => {
  let repository: Awaited<ReturnType<typeof createTempRepository>>
  let store: Store
  let context: ToolContext
  const call = <T extends AgentTool>(tool: T, input: unknown) => tool.execute(tool.inputSchema.parse(input), context)

  beforeAll(async () => {
    repository = await createTempRepository({
      'README.md': '# sample\n',
      'src/math.ts': 'export function add(a: number, b: number) {\n  return a + b\n}\n\nexport function sub(a: number, b: number) {\n  return a - b\n}\n',
      'src/long.txt': Array.from({ length: 1000 }, (_, index) => `line ${index + 1}`).join('\n') + '\n',
    })
    const outside = `${repository.root}-outside`
    await mkdir(outside)
    await writeFile(join(outside, 'secret.txt'), 'do not read')
    await symlink(outside, join(repository.root, 'escape'))
    store = await openStore(join(repository.root, 'tools.db'))
    const run = await store.createRun({ target: 'colony/main' })
    const policy = { network: false, readable: [], writable: [], env: [], memoryMb: 512, processes: 64, outputBytes: 20_000, approve: [], refuse: ['git push*'] }
    context = { workspace: repository.root, readableLinks: [], sandbox: createSandbox({ repositoryRoot: '/nonexistent', policy }), policy, store, runId: run.id, taskId: null, agentId: null, role: 'worker', commit: null, maxCommandSeconds: 30 }
  })
  afterAll(async () => {
    await store.close()
    await rm(`${repository.root}-outside`, { recursive: true, force: true })
    await repository.dispose()
  })

  it('reads with line numbers and pages long files with a note saying how to see more', async () => {
    expect(await call(readFileTool, { path: 'src/math.ts', start_line: 2, end_line: 2 })).toBe('    2    return a + b\n\n[lines 2-2 of 7; call read_file with start_line 3 to see more]')
    const page = await call(readFileTool, { path: 'src/long.txt' })
    expect(page).toContain('  400  line 400')
    expect(page).not.toContain('  401  line 401')
    expect(page).toContain('call read_file with start_line 401 to see more')
    await expect(call(readFileTool, { path: 'missing.ts' })).rejects.toThrow(/does not exist; use list_files or search/)
  })

  it('confines every file tool to the workspace: no .., absolute paths, symlinks out or .git', async () => {
    await expect(call(readFileTool, { path: '../etc/passwd' })).rejects.toThrow(/leads outside the workspace/)
    await expect(call(readFileTool, { path: '/etc/passwd' })).rejects.toThrow(/absolute paths are not accepted/)
    await expect(call(readFileTool, { path: 'escape/secret.txt' })).rejects.toThrow(/symbolic link that leads outside/)
    await expect(call(writeFileTool, { path: 'escape/planted.txt', content: 'x' })).rejects.toThrow(/symbolic link/)
    await expect(call(editFileTool, { path: '.git/config', old_string: '[core]', new_string: '[x]' })).rejects.toThrow(/\.git is off limits/)
    await expect(call(listFilesTool, { path: '..' })).rejects.toThrow(/outside/)
    await expect(call(searchTool, { pattern: 'x', path: '/etc' })).rejects.toThrow(/absolute/)
  })

  it('edits an exact unique match, and explains a miss with the closest passages and their lines', async () => {
    expect(await call(editFileTool, { path: 'src/math.ts', old_string: '  return a + b', new_string: '  return b + a' })).toBe('edited src/math.ts: 1 replacement at line 2')
    expect(await readFile(join(repository.root, 'src/math.ts'), 'utf8')).toContain('return b + a')
    const whitespace = call(editFileTool, { path: 'src/math.ts', old_string: 'return  a - b', new_string: 'return 0' })
    await expect(whitespace).rejects.toThrow(/matches lines 6-6 of src\/math.ts only if whitespace is ignored/)
    const typo = call(editFileTool, { path: 'src/math.ts', old_string: 'export function subtract(a: number, b: number) {', new_string: 'x' })
    await expect(typo).rejects.toThrow(/not found in src\/math.ts\. The closest passages:\nline 5 \(\d+% similar\):\nexport function sub\(a: number, b: number\) \{/)
    await expect(call(editFileTool, { path: 'src/math.ts', old_string: 'a: number', new_string: 'x: number' })).rejects.toThrow(/occurs 2 times in src\/math.ts \(lines 1, 5\)/)
    expect(await call(editFileTool, { path: 'src/math.ts', old_string: 'a: number', new_string: 'x: number', replace_all: true })).toContain('2 replacements at lines 1, 5')
  })

  it('writes, lists and searches', async () => {
    expect(await call(writeFileTool, { path: 'src/new/deep.ts', content: 'export const deep = "needle"\n' })).toBe('wrote src/new/deep.ts (2 lines)')
    expect(await call(listFilesTool, { pattern: 'src/**/*.ts' })).toBe('src/math.ts\nsrc/new/deep.ts')
    expect(await call(searchTool, { pattern: 'needle|return b' })).toMatch(/src\/math.ts:2:\s+return b \+ a\nsrc\/new\/deep.ts:1:export const deep = "needle"/)
    expect(await call(searchTool, { pattern: 'no-such-text' })).toBe('no matches for no-such-text')
  })

  it('runs commands in the sandbox, refuses by policy, and keeps notes', async () => {
    expect(await call(runCommandTool, { command: 'cat README.md; exit 3' })).toBe('exit code 3\n# sample\n')
    await expect(call(runCommandTool, { command: 'git push origin main' })).rejects.toThrow(/sandbox.refuse/)
    expect(await call(runCommandTool, { command: 'sleep 1e9', timeout_s: 1 })).toMatch(/^stopped \(time limit\)/)
    expect(await call(noteTool, { text: 'math.ts uses plain functions', files: ['./src/math.ts'] })).toMatch(/^remembered as memory \d+ \(about src\/math.ts\)$/)
    const [remembered] = await store.recallMemories('function')
    expect(remembered).toMatchObject({ kind: 'note', text: 'math.ts uses plain functions', role: 'worker', runId: context.runId, files: ['src/math.ts'], stale: null })
  })
})
