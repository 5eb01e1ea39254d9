import { randomBytes } from 'node:crypto'
import { serve } from '@hono/node-server'
import type { Command } from 'commander'
import { createApp } from '../../server/index.ts'
import { withSession } from '../session.ts'
import { UsageError } from '../usage-error.ts'

/** `colony serve`: the HTTP API (and live event stream) over this repository's run, until Ctrl-C. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the run over HTTP: status, tasks, agents, transcripts, a live event stream and the controls (see docs/api.md); Ctrl-C stops it')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4317')
    .option('--host <address>', 'address to listen on; anything but 127.0.0.1 exposes the controls to the network', '127.0.0.1')
    .action(async (options: { port: string; host: string }) => {
      const port = Number(options.port)
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port', `--port must be 0-65535, got "${options.port}"`, 'for example --port 4317')
      const token = process.env.COLONY_SERVER_TOKEN || randomBytes(18).toString('base64url')
      await withSession(process.cwd(), async ({ store, board, config, run }) => {
        const app = createApp({ store, board, config, token })
        const server = serve({ fetch: app.fetch, port, hostname: options.host })
        await new Promise<void>((resolve, reject) => {
          server.once('listening', resolve)
          server.once('error', reject)
        })
        const address = server.address()
        const actualPort = typeof address === 'object' && address ? address.port : port
        const origin = `http://${options.host}:${actualPort}`
        const shownToken = process.env.COLONY_SERVER_TOKEN ? '$COLONY_SERVER_TOKEN' : token
        process.stdout.write(
          `colony serve: run ${run.id}\n` +
            `  dashboard: ${origin}/#token=${shownToken}\n` +
            `  API:       ${origin}/api (docs/api.md), with Authorization: Bearer ${shownToken}\n` +
            '  Ctrl-C stops the server (not the run)\n',
        )
        await new Promise<void>((resolve) => {
          const stop = () => {
            server.close(() => resolve())
            // Event streams stay open until their clients leave: end them so the server can stop now.
            if ('closeAllConnections' in server) server.closeAllConnections()
          }
          process.once('SIGINT', stop)
          process.once('SIGTERM', stop)
        })
      })
    })
}
