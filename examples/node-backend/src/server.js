'use strict'
// Runs the service: `npm start` (configuration from the environment). With
// INSTAGRAM_MODE=sandbox and no INSTAGRAM_SANDBOX_URL it starts the instagraph sandbox in this
// process, so the whole service runs with no Meta app.

const http = require('node:http')
const { randomBytes } = require('node:crypto')
const { Sandbox } = require('instagraph')
const { createApp } = require('./app')
const { loadConfig } = require('./config')
const { consoleUrls } = require('./routes/console')
const { seedDemo } = require('./console/seed')

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

const merge = (base, over) => {
  const out = { ...base }
  for (const [k, v] of Object.entries(over ?? {})) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && base?.[k] && typeof base[k] === 'object' ? merge(base[k], v) : v
  }
  return out
}

/**
 * Starts the service. `options`: `env` (default process.env), `config` (overrides of the
 * environment's configuration, the shape of createApp's options), `sandbox` (a running
 * instagraph Sandbox to use), `worker` (false: no scheduler worker), `tokenSweep` (false: no
 * token sweep), `seed` (false: the demo company gets no connection), `log`. Resolves to
 * `{ app, server, url, sandbox, config, demoKey, seeded, close }` (`demoKey`: the generated key of
 * the demo company, when there is one; `seeded`: the usernames added to it).
 */
async function start(options = {}) {
  const log = options.log ?? ((line) => console.log(line))
  const config = merge(loadConfig(options.env ?? process.env), options.config)
  let sandbox = options.sandbox ?? null
  let ownSandbox = false
  const sandboxMode = (config.instagram.mode ?? '').toLowerCase() === 'sandbox'
  if (!sandbox && sandboxMode && !config.instagram.sandboxUrl) {
    sandbox = await Sandbox.start()
    ownSandbox = true
  }
  if (sandbox) {
    config.instagram = {
      ...config.instagram,
      mode: 'sandbox',
      sandboxUrl: sandbox.baseUrl,
      appId: sandbox.appId,
      appSecret: sandbox.appSecret,
    }
  }
  const demo = sandboxMode || Boolean(sandbox)
  let demoKey = null
  if (demo && Object.keys(config.companies ?? {}).length === 0) {
    // A demo company so that the printed curl works out of the box.
    demoKey = `demo-${randomBytes(12).toString('hex')}`
    config.companies = {
      demo: {
        apiKeys: [demoKey],
        clients: [
          { id: 'builder', name: 'Builder client' },
          { id: 'bakery', name: 'Bakery client' },
        ],
      },
    }
  }
  if (demo && !config.webhooks?.verifyToken) {
    config.webhooks = { ...config.webhooks, verifyToken: randomBytes(12).toString('hex') }
  }

  const server = http.createServer()
  await listen(server, config.port ?? 3000, config.host ?? '127.0.0.1')
  const { port } = server.address()
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host ?? '127.0.0.1'}:${port}`
  config.instagram.redirectUri ??= `${url}/instagram/oauth2callback`
  // The console's Connect page is the frontend the OAuth callback returns to, unless configured.
  const consolePage = consoleUrls(url)
  config.frontend = {
    successUrl: config.frontend?.successUrl ?? consolePage.successUrl,
    errorUrl: config.frontend?.errorUrl ?? consolePage.errorUrl,
  }
  let app
  try {
    app = createApp({ ...config, log: options.log })
  } catch (err) {
    server.close()
    if (ownSandbox) await sandbox.stop()
    throw err
  }
  server.on('request', app)
  if (options.worker !== false) app.startWorker()
  if (options.tokenSweep !== false) app.startTokenSweep()

  let closing
  const close = () =>
    (closing ??= (async () => {
      await app.close()
      await new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections?.()
      })
      if (ownSandbox) await sandbox.stop()
    })())
  log(`instagraph node-backend listening on ${url}${sandbox ? ` (sandbox at ${sandbox.baseUrl})` : ''}`)
  let seeded = []
  if (demoKey && sandbox && options.seed !== false) {
    try {
      seeded = await seedDemo({ url, sandbox, apiKey: demoKey, verifyToken: config.webhooks.verifyToken, clientId: 'builder' })
    } catch (err) {
      await close()
      throw err
    }
  }
  return { app, server, url, sandbox, config, demoKey, seeded, close }
}

async function main() {
  let running
  try {
    running = await start()
  } catch (err) {
    console.error(err.message)
    process.exit(1)
  }
  const { url, config, sandbox, demoKey, seeded } = running
  // Only the demo company's generated key is shown: a configured key never goes to the log.
  const company = demoKey ? 'demo' : Object.keys(running.app.locals.config.companies)[0]
  console.log(`Try it:
  curl -s -H 'x-api-key: ${demoKey ?? '<API key>'}' '${url}/instagram/auth/url?companyId=${company}'
then open the returned url in a browser${sandbox ? ' (the sandbox consent page: pick a user, approve)' : ''}; the callback
redirects to ${config.frontend?.successUrl ?? '(FRONTEND_SUCCESS_URL)'} with the stored token's id.
Console: ${url}/console/ (sign in with ${demoKey ? `the API key ${demoKey}` : 'your API key'})${
    seeded.length > 0 ? `; added to the demo company: ${seeded.map((u) => `@${u}`).join(', ')}` : ''
  }`)
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      running.close().then(() => process.exit(0), () => process.exit(1))
    })
  }
}

if (require.main === module) main()

module.exports = { start }
