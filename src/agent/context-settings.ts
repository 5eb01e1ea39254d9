export interface ContextSettings {
  windowTokens: number
  /** Older turns are summarized when a request would pass this share of the window. */
  compactAt: number
  maskToolResultsAfter: number
  /** Turns kept verbatim when older ones are summarized. */
  keepRecentTurns?: number
}
