import { isAbsolute, join } from 'node:path'
import type { Script, ScriptedRequest } from '../../src/model/scripted/index.ts'
import type { CliVocabulary } from './cli-worker-script.ts'

/** Claude Code's own tools, and Colony's tools as its MCP client names them. */
export const claudeCodeVocabulary: CliVocabulary = {
  // Claude Code overwrites only a file it has read in the session.
  write: (path, content, exists) => [...(exists ? [{ name: 'Read', input: { file_path: path } }] : []), { name: 'Write', input: { file_path: path, content } }],
  shell: (command) => ({ name: 'Bash', input: { command, description: 'run it' } }),
  colony: (tool, input) => ({ name: `mcp__colony__${tool}`, input }),
}

/** Qwen Code's own tools (paths relative to the worktree: see inWorktree), and Colony's tools. */
export const qwenCodeVocabulary: CliVocabulary = {
  // Qwen Code overwrites only a file it has read in the session.
  write: (path, content, exists) => [...(exists ? [{ name: 'read_file', input: { file_path: path } }] : []), { name: 'write_file', input: { file_path: path, content } }],
  shell: (command) => ({ name: 'run_shell_command', input: { command } }),
  colony: (tool, input) => ({ name: `mcp__colony__${tool}`, input }),
}

/** The text of a Chat Completions conversation, every message's parts joined. */
function messageTexts(body: unknown): string {
  const messages = (body as { messages?: { content?: unknown }[] }).messages ?? []
  return messages
    .flatMap((message) => (typeof message.content === 'string' ? [message.content] : Array.isArray(message.content) ? (message.content as { text?: unknown }[]).map((part) => (typeof part.text === 'string' ? part.text : '')) : []))
    .join('\n')
}

/** Where Qwen Code runs: its environment context, in the conversation's first message, names the directory. */
function workingDirectory(request: ScriptedRequest): string {
  const match = /I'm currently working in the directory: ([^\n]+)/.exec(messageTexts(request.body))
  if (!match?.[1]) throw new Error(`task ${request.task}, turn ${request.turn}: the request does not name Qwen Code's working directory`)
  return match[1]
}

/**
 * Qwen Code's file tools take absolute paths only, and the stateless script
 * knows the worktree only from the request: a worker's `file_path`, written
 * relative to the worktree, is made absolute from it.
 */
export function inWorktree(script: Script): Script {
  return async (request) => {
    const reply = await script(request)
    if (request.role !== 'worker' || !reply.toolCalls) return reply
    const toolCalls = reply.toolCalls.map((call) => {
      const input = call.input as { file_path?: unknown }
      if (typeof input?.file_path !== 'string' || isAbsolute(input.file_path)) return call
      return { ...call, input: { ...input, file_path: join(workingDirectory(request), input.file_path) } }
    })
    return { ...reply, toolCalls }
  }
}

