import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEntry, colony, createTempRepository, git } from './support/cli.ts'

type ToolAnswer = { content: { type: string; text: string }[]; isError?: boolean }
const textOf = (answer: unknown) => (answer as ToolAnswer).content.map((part) => part.text).join('\n')

describe('colony mcp', () => {
  let repo: Awaited<ReturnType<typeof createTempRepository>> | undefined
  let client: Client | undefined
  afterEach(async () => {
    await client?.close()
    await repo?.dispose()
  })

  async function connect(root: string, taskId: string) {
    const transport = new StdioClientTransport({ command: process.execPath, args: [cliEntry, 'mcp', '--task', taskId], cwd: root, stderr: 'pipe' })
    let stderr = ''
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    client = new Client({ name: 'test-client', version: '1' })
    await client.connect(transport)
    return { client, stderr: () => stderr }
  }

  it('serves a ready task to a real MCP client: its tools work in the worktree, bad arguments get clear tool errors, finish integrates the change', async () => {
    repo = await createTempRepository({ 'README.md': '# sample\n', 'package.json': '{ "name": "sample", "private": true }\n' })
    const root = repo.root
    expect((await colony(root, ['init'])).code).toBe(0)
    expect((await colony(root, ['task', 'add', 'Add a greeting', '--scope', 'hello.txt', '--accept', 'grep -q hello hello.txt'])).code).toBe(0)
    const { client, stderr } = await connect(root, '1')

    const tools = (await client.listTools()).tools.map((tool) => tool.name).sort()
    expect(tools).toEqual(['edit_file', 'finish', 'list_files', 'note', 'read_file', 'recall', 'run_command', 'search', 'write_file'])
    expect(stderr()).toMatch(/task 1 "Add a greeting" is yours; its worktree is \S+task-1/)

    // Bad arguments: the SDK's validation names the field; the tool's own errors say what to do.
    const missing = await client.callTool({ name: 'finish', arguments: {} })
    expect(missing.isError).toBe(true)
    expect(textOf(missing)).toMatch(/summary/)
    const wrongType = await client.callTool({ name: 'write_file', arguments: { path: 5, content: 'x' } })
    expect(wrongType.isError).toBe(true)
    expect(textOf(wrongType)).toMatch(/path/)
    const outside = await client.callTool({ name: 'write_file', arguments: { path: '../escape.txt', content: 'x' } })
    expect(outside.isError).toBe(true)
    expect(textOf(outside)).toMatch(/outside|workspace/i)
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).resolves.toMatchObject({ isError: true })
    expect((await client.callTool({ name: 'recall', arguments: { query: 'greeting', kind: 'opinion' } })).isError).toBe(true)

    // Memory: a note about a file, found again by other forms of its words, with who wrote it.
    expect(textOf(await client.callTool({ name: 'note', arguments: { text: 'Greetings are lowercase, one per line', files: ['hello.txt'] } }))).toMatch(/remembered as memory \d+ \(about hello\.txt\)/)
    const recalled = textOf(await client.callTool({ name: 'recall', arguments: { query: 'greeting lines', files: ['hello.txt'] } }))
    expect(recalled).toMatch(/\[memory \d+\] note by worker \(agent \d+\) · task 1 · run 1 · .* · at [0-9a-f]{10}\nabout: hello\.txt\nGreetings are lowercase/)
    expect(textOf(await client.callTool({ name: 'recall', arguments: { query: 'database' } }))).toMatch(/Nothing in memory matches "database"/)

    // Out of scope first: finish refuses and says which file.
    expect(textOf(await client.callTool({ name: 'write_file', arguments: { path: 'other.txt', content: 'stray\n' } }))).toMatch(/wrote other\.txt/)
    const refused = await client.callTool({ name: 'finish', arguments: { summary: 'greeting' } })
    expect(refused.isError).toBe(true)
    expect(textOf(refused)).toContain('other.txt')
    await client.callTool({ name: 'run_command', arguments: { command: 'rm other.txt' } })

    expect((await client.callTool({ name: 'write_file', arguments: { path: 'hello.txt', content: 'hello\n' } })).isError).toBeFalsy()
    const finished = await client.callTool({ name: 'finish', arguments: { summary: 'Added hello.txt with a greeting.' } })
    expect(finished.isError, textOf(finished)).toBeFalsy()
    expect(await git(root, ['show', 'colony/main:hello.txt'])).toBe('hello')

    await client.close()
    const tasks = JSON.parse((await colony(root, ['task', 'list', '--json'])).stdout) as { id: number; status: string }[]
    expect(tasks).toEqual([expect.objectContaining({ id: 1, status: 'merged' })])
    const events = (await colony(root, ['events', '--json'])).stdout
    expect(events).toMatch(/"type":"tool-call".*"tool":"write_file"/)
    expect(await git(root, ['worktree', 'list'])).not.toContain('task-1')
  }, 120_000)

  it('refuses a task that is not ready, and puts a task back to ready when the client leaves before it lands', async () => {
    repo = await createTempRepository()
    const root = repo.root
    expect((await colony(root, ['init'])).code).toBe(0)
    await colony(root, ['task', 'add', 'First'])
    await colony(root, ['task', 'add', 'Second', '--after', '1'])
    const refused = await colony(root, ['mcp', '--task', '2'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('task 2 cannot be taken over MCP: it is ready but waits for a task it depends on')
    expect((await colony(root, ['mcp', '--task', 'x'])).code).toBe(2)

    const { client } = await connect(root, '1')
    await client.callTool({ name: 'write_file', arguments: { path: 'half.txt', content: 'half done\n' } })
    await client.close()
    const tasks = JSON.parse((await colony(root, ['task', 'list', '--json'])).stdout) as { id: number; status: string }[]
    expect(tasks.find((task) => task.id === 1)?.status).toBe('ready')
    expect(await git(root, ['worktree', 'list'])).not.toContain('task-1')
  }, 120_000)
})
