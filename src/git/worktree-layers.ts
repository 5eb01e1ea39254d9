/** Worktrees whose files are layered over a shared checkout (src/overlay): how they are made, mounted again and removed. */
export interface WorktreeLayers {
  add(path: string, start: { commit: string; branch?: string }): Promise<void>
  /** Makes the shared checkout of `commit` if there is none yet; true when it made one. */
  warm(commit: string): Promise<boolean>
  remount(path: string): Promise<boolean>
  remountAll(worktreesDir: string): Promise<void>
  remove(path: string): Promise<void>
  isOverlay(path: string): boolean
  /** Where the worker can have changed it (paths relative to it); undefined: anywhere. */
  changedPaths(path: string): Promise<string[] | undefined>
  /** `final`: the run is over, so bases no layer uses go too, the newest and the just-made included. */
  sweep(options?: { final?: boolean }): Promise<void>
}
