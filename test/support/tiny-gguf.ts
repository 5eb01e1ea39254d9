import { writeFileSync } from 'node:fs'

/**
 * Writes a real GGUF file for a tiny llama-architecture model whose next
 * token depends on the current one (and, optionally, on whether a marker token
 * came earlier): the feed-forward block adds nothing, so the residual stream
 * is the current token's one-hot embedding and the logits are a column of a
 * transition table the test chooses. llama.cpp runs
 * it like any other model (tokenizer, chat template handling, grammar
 * sampling), which is what Colony's local-model path needs to be tested with
 * when no real weights can be downloaded.
 */
export interface TinyModelSpec {
  /** Extra whole-string tokens beyond the byte tokens, e.g. "||call: " or a tool name. */
  words: readonly string[]
  /** After `from`, prefer `to` with this logit (default 10). `from` may be '*' for every token. */
  transitions: readonly { from: string; to: string; logit?: number }[]
  /**
   * Context beyond one token: once `marker` has appeared anywhere earlier, the
   * marker's transitions are added to every later token's. One attention head
   * does it: every query matches only the marker's key, so the head's output is
   * the marker's value when it is there and nothing otherwise, however long
   * the context.
   */
  memory?: { marker: string }
}

export const endOfText = '</s>'

const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const
const GgufType = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const
const alignment = 32

export function writeTinyModel(path: string, spec: TinyModelSpec): void {
  const vocabulary = buildVocabulary(spec.words)
  const vocabularySize = vocabulary.tokens.length
  // One dimension per token, plus one that every token has (what the memory head queries with).
  const width = Math.ceil((vocabularySize + 1) / 64) * 64
  const always = width - 1
  const heads = 4
  const feedForward = 64
  const transitions = transitionTable(vocabulary, spec.transitions, width)

  const embedding = new Float32Array(width * vocabularySize)
  for (let token = 0; token < vocabularySize; token++) {
    embedding[token * width + token] = 1
    embedding[token * width + always] = 1
  }
  const ones = new Float32Array(width).fill(1)
  // Matrices are [in, out] with out-major rows. After RMS norm a token's two ones are sqrt(width / 2) each.
  const normed = Math.sqrt(width / 2)
  const queries = new Float32Array(width * width)
  const keys = new Float32Array(width * width)
  const values = new Float32Array(width * width)
  const output = new Float32Array(width * width)
  if (spec.memory) {
    const marker = vocabulary.idOf(spec.memory.marker)
    const headWidth = width / heads
    // Head 0's last rotary pair turns by ~1e-12 rad per position (see freq_base), so the match does not fade with distance.
    const matchDimension = headWidth - 2
    const carryDimension = 0
    const score = 30 // the marker outweighs e^30 other tokens
    const factor = Math.sqrt(score * Math.sqrt(headWidth))
    queries[matchDimension * width + always] = factor / normed
    keys[matchDimension * width + marker] = factor / normed
    values[carryDimension * width + marker] = 1 / normed
    output[marker * width + carryDimension] = 1
  }
  const tensors: [string, number[], Float32Array][] = [
    ['token_embd.weight', [width, vocabularySize], embedding],
    ['output_norm.weight', [width], ones],
    ['output.weight', [width, vocabularySize], transitions],
    ['blk.0.attn_norm.weight', [width], ones],
    ['blk.0.attn_q.weight', [width, width], queries],
    ['blk.0.attn_k.weight', [width, width], keys],
    ['blk.0.attn_v.weight', [width, width], values],
    ['blk.0.attn_output.weight', [width, width], output],
    ['blk.0.ffn_norm.weight', [width], ones],
    ['blk.0.ffn_gate.weight', [width, feedForward], new Float32Array(width * feedForward)],
    ['blk.0.ffn_up.weight', [width, feedForward], new Float32Array(width * feedForward)],
    ['blk.0.ffn_down.weight', [feedForward, width], new Float32Array(width * feedForward)],
  ]
  const metadata: [string, number, unknown][] = [
    ['general.architecture', GgufType.string, 'llama'],
    ['general.name', GgufType.string, 'colony-tiny-test'],
    ['llama.context_length', GgufType.uint32, 32768],
    ['llama.embedding_length', GgufType.uint32, width],
    ['llama.block_count', GgufType.uint32, 1],
    ['llama.feed_forward_length', GgufType.uint32, feedForward],
    ['llama.attention.head_count', GgufType.uint32, heads],
    ['llama.attention.head_count_kv', GgufType.uint32, heads],
    ['llama.attention.layer_norm_rms_epsilon', GgufType.float32, 1e-5],
    ['llama.rope.dimension_count', GgufType.uint32, width / heads],
    ['llama.rope.freq_base', GgufType.float32, 1e12],
    ['tokenizer.ggml.model', GgufType.string, 'llama'],
    ['tokenizer.ggml.tokens', GgufType.array, { type: GgufType.string, values: vocabulary.tokens }],
    ['tokenizer.ggml.scores', GgufType.array, { type: GgufType.float32, values: vocabulary.tokens.map(() => 0) }],
    ['tokenizer.ggml.token_type', GgufType.array, { type: GgufType.int32, values: vocabulary.types }],
    ['tokenizer.ggml.unknown_token_id', GgufType.uint32, 0],
    ['tokenizer.ggml.bos_token_id', GgufType.uint32, 1],
    ['tokenizer.ggml.eos_token_id', GgufType.uint32, 2],
    ['tokenizer.ggml.add_bos_token', GgufType.bool, true],
    ['tokenizer.ggml.add_eos_token', GgufType.bool, false],
    ['tokenizer.ggml.add_space_prefix', GgufType.bool, false],
  ]
  writeFileSync(path, encodeGguf(metadata, tensors))
}

interface Vocabulary {
  tokens: string[]
  types: number[]
  idOf: (text: string) => number
}

function buildVocabulary(words: readonly string[]): Vocabulary {
  const tokens = ['<unk>', '<s>', endOfText]
  const types: number[] = [TokenType.unknown, TokenType.control, TokenType.control]
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`)
    types.push(TokenType.byte)
  }
  // SentencePiece vocabularies spell spaces as U+2581; the tokenizer maps a space to this token.
  for (const word of [' ', ...words]) {
    tokens.push(word.replaceAll(' ', '\u2581'))
    types.push(TokenType.normal)
  }
  const firstWord = 3 + 256 + 1
  const idOf = (text: string): number => {
    if (text === endOfText) return 2
    if (text === '\u2581') return firstWord - 1
    const word = words.indexOf(text)
    if (word >= 0) return firstWord + word
    const bytes = Buffer.from(text)
    if (bytes.length === 1) return 3 + bytes[0]!
    throw new Error(`"${text}" is neither a single byte nor one of the words`)
  }
  return { tokens, types, idOf }
}

/** output.weight: row `to`, column `from` is the logit of `to` after `from` (the normed hidden state is sqrt(width / 2) at `from`). */
function transitionTable(vocabulary: Vocabulary, transitions: TinyModelSpec['transitions'], width: number): Float32Array {
  const size = vocabulary.tokens.length
  const table = new Float32Array(width * size)
  const scale = 1 / Math.sqrt(width / 2)
  // Whitespace is never preferred, so grammar-free stretches cannot drift into it.
  for (const space of [' ', '\u2581', '\n', '\t', '\r']) {
    const to = vocabulary.idOf(space)
    for (let from = 0; from < size; from++) table[to * width + from] = -20 * scale
  }
  for (const { from, to, logit = 10 } of transitions) {
    const sources = from === '*' ? [...Array(size).keys()] : [vocabulary.idOf(from)]
    for (const source of sources) table[vocabulary.idOf(to) * width + source] = logit * scale
  }
  return table
}

function encodeGguf(metadata: [string, number, unknown][], tensors: [string, number[], Float32Array][]): Buffer {
  const parts: Buffer[] = []
  const u32 = (value: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(value); parts.push(b) }
  const i32 = (value: number) => { const b = Buffer.alloc(4); b.writeInt32LE(value); parts.push(b) }
  const u64 = (value: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(value)); parts.push(b) }
  const f32 = (value: number) => { const b = Buffer.alloc(4); b.writeFloatLE(value); parts.push(b) }
  const text = (value: string) => { const bytes = Buffer.from(value); u64(bytes.length); parts.push(bytes) }
  const scalar = (type: number, value: unknown) => {
    if (type === GgufType.uint32) u32(value as number)
    else if (type === GgufType.int32) i32(value as number)
    else if (type === GgufType.float32) f32(value as number)
    else if (type === GgufType.bool) parts.push(Buffer.from([value ? 1 : 0]))
    else if (type === GgufType.string) text(value as string)
    else throw new Error(`unsupported GGUF type ${type}`)
  }

  parts.push(Buffer.from('GGUF'))
  u32(3)
  u64(tensors.length)
  u64(metadata.length)
  for (const [key, type, value] of metadata) {
    text(key)
    u32(type)
    if (type === GgufType.array) {
      const { type: elementType, values } = value as { type: number; values: unknown[] }
      u32(elementType)
      u64(values.length)
      for (const element of values) scalar(elementType, element)
    } else {
      scalar(type, value)
    }
  }
  let offset = 0
  for (const [name, dimensions, data] of tensors) {
    text(name)
    u32(dimensions.length)
    for (const dimension of dimensions) u64(dimension)
    u32(0) // F32
    u64(offset)
    offset = align(offset + data.byteLength)
  }
  const header = Buffer.concat(parts)
  const out = Buffer.alloc(align(header.length) + offset)
  header.copy(out)
  let position = align(header.length)
  for (const [, , data] of tensors) {
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, position)
    position = align(position + data.byteLength)
  }
  return out
}

function align(value: number): number {
  return Math.ceil(value / alignment) * alignment
}
