'use strict'
// createApp(options) → an Express app (no listen): the old Instagram service's routes, each a
// thin layer over the `instagraph` package: parse, one SDK call, respond.

const { EventEmitter } = require('node:events')
const express = require('express')
const ig = require('instagraph')

const { normalizeConfig } = require('./config')
const { authenticate } = require('./auth')
const { ApiError, errorBody, errorMiddleware, logLine } = require('./errors')
const { startTokenSweep } = require('./tokens')
const oauth = require('./routes/oauth')
const accounts = require('./routes/accounts')
const publishing = require('./routes/publishing')
const publishingExtra = require('./routes/publishing_extra')
const media = require('./routes/media')
const messaging = require('./routes/messaging')
const webhooks = require('./routes/webhooks')
const automation = require('./routes/automation')
const discovery = require('./routes/discovery')
const hashtags = require('./routes/hashtags')
const consolePages = require('./routes/console')
const { Sessions } = require('./console/sessions')

function makeClient(instagram) {
  return new ig.Client({
    appId: instagram.appId,
    appSecret: instagram.appSecret,
    apiVersion: instagram.apiVersion,
    mode: instagram.mode,
    sandboxUrl: instagram.mode === 'sandbox' ? instagram.sandboxUrl : undefined,
    redirectUri: instagram.redirectUri,
    allowedRedirectUris: instagram.allowedRedirectUris,
    scopes: instagram.scopes,
  })
}

/**
 * Builds the app. `options`: `{ companies, frontend, storeUrl, sealingKey, instagram,
 * webhooks, scheduler, consoleSessions }` (see config.js and README.md). `client` brings a ready SDK client;
 * `accounts` a ready AccountManager, or `(client) => AccountManager` to choose the store (a
 * JS store on your own database) over the client built from the configuration.
 * `options.log` receives server-side failures (default: console.error).
 */
function createApp(options = {}) {
  const config = normalizeConfig(options)
  const log = options.log ?? ((line) => console.error(line))
  const ready = options.accounts && typeof options.accounts !== 'function'
  const client = options.client ?? (ready ? null : makeClient(config.instagram))
  const manager = ready
    ? options.accounts
    : typeof options.accounts === 'function'
      ? options.accounts(client)
      : new ig.AccountManager(client, config.storeUrl, { sealingKey: config.sealingKey })
  // On a store other processes share, the quota book, the hashtag budget and the webhook
  // deduper live in it too, so that every process counts against one budget per account.
  const shared = config.sharedState
  const publisher = new ig.Publisher(manager, { quota: shared ? 'shared' : 'local' })
  const sdk = {
    client,
    accounts: manager,
    publisher,
    hashtags: new ig.Hashtags(manager, { shared }),
    scheduler: new ig.Scheduler(publisher),
    media: new ig.Media(manager),
    comments: new ig.Comments(manager),
    insights: new ig.Insights(manager),
    messaging: new ig.Messaging(manager),
  }
  // The console's sign-in sessions (`options.consoleSessions`: { maxSessions, idleMs, maxAgeMs })
  // and its live events (new webhook events, publish progress) for the SSE streams.
  const sessions = new Sessions(options.consoleSessions)
  const bus = new EventEmitter()
  const ctx = { config, sdk, log, webhookEvents: [], worker: null, workerEnd: null, sweep: null, sessions, bus }

  /**
   * Null while the scheduler worker runs (or was never started); once it has ended without
   * being stopped, why, in words for people (the detail is logged once).
   */
  function workerFailure() {
    const worker = ctx.worker
    if (!worker || worker.running) return null
    // stop() on an ended worker resolves at once, or rejects with the error its run ended on.
    ctx.workerEnd ??= worker.stop().then(
      () => {
        log('the scheduler worker ended without being stopped')
        return { code: 'ENDED', message: 'it ended without being stopped' }
      },
      (err) => {
        const { status, body } = errorBody(err)
        log(logLine('the scheduler worker', status, err))
        return { code: body.error.code, message: body.error.message }
      },
    )
    return ctx.workerEnd
  }

  const app = express()
  app.disable('x-powered-by')
  app.locals.config = config
  app.locals.instagraph = sdk
  app.locals.webhookEvents = ctx.webhookEvents
  // The console's live events (publish progress, webhooks): what its SSE streams relay.
  app.locals.bus = bus

  // 503 once the scheduler worker has died: scheduled posts are no longer being published.
  app.get('/health', async (req, res) => {
    const failure = await workerFailure()
    if (!failure) return res.json({ success: true })
    res.status(503).json({
      success: false,
      error: {
        message: 'The scheduler worker stopped: scheduled posts are not being published.',
        code: 'WORKER_STOPPED',
        cause: failure,
      },
    })
  })
  // Called by Meta, authenticated by the signature (GET: the verify token); needs the raw body.
  app.use('/instagram/webhooks', webhooks.router(ctx))
  // Called by the user's browser coming back from Meta, authenticated by the single-use state.
  app.get('/instagram/oauth2callback', oauth.callback(ctx))

  const api = express.Router()
  // Authenticate first: an unknown caller's body is never parsed.
  api.use(authenticate(config.companies, sessions))
  api.use(express.json({ limit: '256kb' }))
  api.use(oauth.router(ctx))
  api.use(accounts.router(ctx))
  api.use(publishing.router(ctx))
  api.use(publishingExtra.router(ctx))
  api.use(media.router(ctx))
  api.use(messaging.router(ctx))
  api.use(automation.router(ctx))
  api.use(discovery.router(ctx))
  api.use(hashtags.router(ctx))
  api.use(webhooks.eventsRouter(ctx))
  app.use('/instagram', api)

  app.use(consolePages.router(ctx))

  app.use((req, res, next) => next(new ApiError(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`)))
  app.use(errorMiddleware(log))

  /** Starts the scheduler's worker (publishes due posts in the background). */
  app.startWorker = (workerOptions = {}) => {
    if (ctx.worker) return ctx.worker
    const opts = { ...workerOptions }
    for (const key of ['pollIntervalMs', 'maxPollIntervalMs']) {
      if (config.scheduler[key] !== undefined && opts[key] === undefined) opts[key] = config.scheduler[key]
    }
    ctx.worker = sdk.scheduler.worker(config.scheduler.workerId, opts)
    ctx.worker.start()
    return ctx.worker
  }
  /** Starts sweeping the companies' tokens on a timer (`tokenSweep.intervalMs`; 0: never). */
  app.startTokenSweep = () => {
    if (!ctx.sweep && config.tokenSweep.intervalMs > 0) {
      ctx.sweep = startTokenSweep({ sdk, companies: Object.keys(config.companies), log, intervalMs: config.tokenSweep.intervalMs })
    }
    return ctx.sweep
  }
  /**
   * Stops the token sweep and the worker (resolves once both have stopped). A worker that had
   * died is logged, not thrown: the rest of the shutdown still has to run.
   */
  app.close = async () => {
    const sweep = ctx.sweep
    ctx.sweep = null
    await sweep?.stop()
    const worker = ctx.worker
    if (!worker || (await workerFailure())) return
    ctx.worker = null
    await worker.stop().catch((err) => log(logLine('the scheduler worker', 'stopped', err)))
  }
  return app
}

module.exports = { createApp }
