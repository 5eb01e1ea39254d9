import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { Notification } from './notification.ts'

/** What notify-send needs from the environment to reach the desktop, and nothing else. */
const desktopVariables = ['PATH', 'HOME', 'LANG', 'DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR']

export interface Desktop {
  show(notification: Notification): Promise<{ ok: true } | { ok: false; error: string }>
}

function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const directory of (path ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(directory, name), constants.X_OK)
      return join(directory, name)
    } catch {
      // Not in this directory; the next one may have it.
    }
  }
  return undefined
}

/**
 * Desktop notifications through `notify-send`, or undefined when there is no
 * way to show one here: no notify-send on PATH, or no desktop session (no
 * DISPLAY, WAYLAND_DISPLAY or D-Bus session bus), as on a server or in CI.
 * `environment` must hold the credentials-like variables Colony keeps out of
 * process.env (the D-Bus address among them).
 */
export function createDesktop(environment: NodeJS.ProcessEnv): Desktop | undefined {
  const program = findOnPath('notify-send', environment.PATH)
  const session = environment.DISPLAY || environment.WAYLAND_DISPLAY || environment.DBUS_SESSION_BUS_ADDRESS
  if (!program || !session) return undefined
  const childEnvironment = Object.fromEntries(desktopVariables.flatMap((name) => (environment[name] === undefined ? [] : [[name, environment[name]]])))
  return {
    show: (notification) =>
      new Promise((resolve) => {
        const title = notification.type === 'needs-you' ? 'Colony needs you' : notification.type === 'budget' ? 'Colony: budget' : 'Colony: run ended'
        execFile(program, ['--app-name=Colony', title, notification.text], { env: childEnvironment, timeout: 10_000 }, (error) => resolve(error ? { ok: false, error: error.message } : { ok: true }))
      }),
  }
}
