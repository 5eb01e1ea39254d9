import type { TinyModelSpec } from './tiny-gguf.ts'

/**
 * A model whose moves are fixed by a transition table: its first free token
 * starts a function call; the name it picks depends on whether "µ" (in the
 * path it writes, so in the call and result its history holds) is in its
 * context yet: write_file first, then finish. Inside the arguments the grammar
 * built from each tool's schema allows only what the schema does, and the table
 * picks among that.
 */
export const twoStepModel: TinyModelSpec = {
  words: ['||call: ', '"path":"', '"content":"', '"summary":"', '"concerns":', 'µ.txt', 'µ', 'done', 'null'],
  transitions: [
    { from: '*', to: '||call: ', logit: 5 },
    { from: '\u2581', to: '||call: ', logit: 1000 },
    { from: '\u2581', to: 'w', logit: 10 },
    { from: 'µ', to: '||call: ', logit: 50 },
    { from: 'µ', to: 'f', logit: 30 },
    ...[
      ['{', '"path":"'],
      ['{', '"summary":"'],
      ['"path":"', 'µ.txt'],
      ['µ.txt', '"'],
      [',', '"content":"'],
      [',', '"concerns":'],
      ['"content":"', 'h'],
      ['h', 'i'],
      ['i', '"'],
      ['"summary":"', 'done'],
      ['done', '"'],
      ['"concerns":', 'null'],
      ['}', ')'],
    ].map(([from, to]) => ({ from: from!, to: to!, logit: 1000 })),
  ],
  memory: { marker: 'µ' },
}
