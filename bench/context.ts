// Context management: a 300-step scripted session through the real Anthropic
// provider code and the scripted server, with a 16,000-token window; prints the
// largest request the loop sent and how often it compacted.
//   node bench/context.ts [--steps N] [--window TOKENS]
import { parseArgs } from 'node:util'
import { runLongSession } from '../test/support/long-session.ts'

const { values } = parseArgs({ options: { steps: { type: 'string', default: '300' }, window: { type: 'string', default: '16000' } } })
const started = performance.now()
const figures = await runLongSession(Number(values.steps), Number(values.window))
console.log(`steps: ${figures.outcome.steps} (${figures.outcome.status}); model requests: ${figures.requests}; compactions: ${figures.compactions}`)
console.log(`largest request: ${figures.largestRequestCharacters} characters, ~${figures.largestRequestTokens} tokens at 3 characters per token; window ${figures.windowTokens} tokens (2,000 kept for the answer)`)
console.log(`wall time: ${((performance.now() - started) / 1000).toFixed(1)} s`)
