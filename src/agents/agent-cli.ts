import type { agentCliNames } from '../config/index.ts'
import type { ProviderSettings } from '../model/index.ts'

/** The agent CLIs Colony runs as workers (colony.json `agents`, whose schema lists them). */
export type AgentCliName = (typeof agentCliNames)[number]

/** The model endpoint an agent CLI is pointed at: a colony.json provider and a model of it. */
export interface CliModel {
  /** "provider:model", as colony.json names it. */
  spec: string
  provider: ProviderSettings
  /** The model's name at the provider. */
  model: string
  /** The key, given to the CLI's process only (never written to a file). */
  apiKey: string | undefined
}

/** One run of the CLI: a first turn with the task, or a resumed session with what to fix. */
export interface CliTurn {
  /** The task's worktree: the CLI works here. */
  workspace: string
  /** A throwaway directory for the CLI's configuration and session files, writable in the sandbox. */
  home: string
  /** What the agent is asked this turn: the task contract, or what to fix. */
  prompt: string
  /** Colony's worker instructions, added to the CLI's own system prompt. */
  instructions: string
  model: CliModel
  /** Colony's tools for this agent (finish, note), over MCP's streamable HTTP. */
  mcpUrl: string
  /** Sent with every model request (x-colony-role, x-colony-task), as Colony's own providers do. */
  headers: Readonly<Record<string, string>>
  /** The session to continue (the CLI's own resume), when this turn follows one. */
  resume: string | undefined
  /** The most model calls the CLI may make this turn, where it can be told. */
  maxSteps: number
}

/** What to run: the argument vector and the variables the CLI needs (its key among them). */
export interface CliInvocation {
  argv: string[]
  environment: Record<string, string>
}

/** A CLI's event stream, read into what Colony records. */
export type CliEvent =
  | { type: 'session'; id: string }
  /** One model reply: its text and the tools it called; tokens as far as the stream tells them so far. */
  | { type: 'step'; id: string; text: string; toolCalls: { id: string; tool: string; input: unknown }[]; usage?: CliUsage }
  | { type: 'tool-result'; id: string; output: string; ok: boolean }
  /** Tokens spent since the last usage the stream told, as soon as it tells them (so a budget sees a turn that is still running). */
  | { type: 'usage'; usage: CliUsage }
  /** The turn's end: the agent's last words, and the turn's totals when the CLI reports them. */
  | { type: 'result'; text: string; error: string | undefined; usage?: CliUsage; costUsd?: number }

export interface CliUsage {
  inputTokens: number
  outputTokens: number
  cachedTokens: number
}

/** Reads a CLI's stdout, one line at a time; keeps what it needs across lines. */
export interface CliStreamReader {
  read(line: string): CliEvent[]
}

/**
 * One agent CLI behind Colony's adapter interface: how to point it at a model
 * and at Colony's MCP tools, how to run it headless in a worktree (and resume
 * its session), and how to read its event stream.
 */
export interface AgentCli {
  name: AgentCliName
  /** As people know it: "Claude Code". */
  title: string
  /** The npm package, and the versions Colony's tests run (the supported ones). */
  packageName: string
  supportedVersions: readonly string[]
  /** The executable's name on PATH. */
  command: string
  /** Provider types (colony.json `providers.*.type`) whose wire protocol the CLI speaks. */
  providerTypes: readonly ProviderSettings['type'][]
  /** The name under which the model sees Colony's finish tool (its tool calls in the stream carry this name). */
  finishToolName: string
  /** The usage a turn's result reports is the whole session's so far (every resumed turn included), not the turn's. */
  reportsSessionTotals: boolean
  /** Writes the CLI's configuration into `turn.home` and says how to run it. */
  invocation(executable: string, turn: CliTurn): Promise<CliInvocation>
  streamReader(): CliStreamReader
}
