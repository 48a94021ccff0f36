'use strict'
// The agency console (console/): its pages and modules, sign-in and sign-out, and the live
// events stream. The pages call the service's own /instagram routes with the session cookie
// (src/console/sessions.js); nothing here holds a token or an API key after sign-in.

const path = require('node:path')
const { readFileSync } = require('node:fs')
const { createHash } = require('node:crypto')
const express = require('express')
const ig = require('instagraph')
const { keyChecker } = require('../auth')
const { ApiError, errorBody } = require('../errors')
const { sessionCookie } = require('../console/sessions')
const { Uploads } = require('../console/uploads')
const { orEmpty } = require('./accounts')

const CONSOLE_DIR = path.join(__dirname, '..', '..', 'console')
// The UI library, served from the installed packages (no bundler): their ES module builds,
// found beside each package's main file (their `exports` maps do not list them).
const beside = (spec, file) => path.join(path.dirname(require.resolve(spec)), file)
const VENDOR = {
  'preact.mjs': beside('preact', 'preact.module.js'),
  'hooks.mjs': beside('preact/hooks', 'hooks.module.js'),
  'htm.mjs': beside('htm', 'htm.module.js'),
  'uplot.mjs': beside('uplot', 'uPlot.esm.js'),
  'uplot.css': beside('uplot', 'uPlot.min.css'),
}

/** index.html, and the CSP that allows its one inline script (the import map) by hash. */
function indexPage() {
  const html = readFileSync(path.join(CONSOLE_DIR, 'index.html'), 'utf8')
  const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)[1]
  const hash = createHash('sha256').update(map).digest('base64')
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    // Profile pictures and media previews come from Instagram's CDN (the sandbox's in sandbox mode).
    'img-src * data: blob:',
    'media-src * blob:',
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ')
  return { html, csp }
}

// Each open stream is two listeners on the bus: the number of streams is bounded.
const MAX_STREAMS = 500
// How often an idle stream is pinged (and its session checked: at least once per idle timeout).
const PING_MS = 15_000

const isSecure = (req) => req.secure

/** Where the OAuth callback sends the browser when the console is the frontend. */
function consoleUrls(base) {
  return { successUrl: `${base}/console/connect`, errorUrl: `${base}/console/connect` }
}

function router(ctx) {
  const { config, sessions, bus } = ctx
  bus.setMaxListeners(MAX_STREAMS + 1)
  const uploads = new Uploads()
  const companyOf = keyChecker(config.companies)
  const page = indexPage()
  const r = express.Router()

  const sendPage = (req, res) => {
    res.set('Content-Security-Policy', page.csp)
    res.set('Cache-Control', 'no-store')
    res.set('Referrer-Policy', 'no-referrer')
    res.set('X-Content-Type-Options', 'nosniff')
    res.type('html').send(page.html)
  }
  for (const [name, file] of Object.entries(VENDOR)) {
    r.get(`/console/vendor/${name}`, (req, res) => res.type(name.endsWith('.css') ? 'text/css' : 'text/javascript').sendFile(file))
  }
  r.use('/console/assets', express.static(path.join(CONSOLE_DIR, 'assets'), { index: false }))
  r.use('/console/assets', (req, res, next) => next(new ApiError(404, 'NOT_FOUND', `no console file ${req.path}`)))

  const api = express.Router()
  api.use(express.json({ limit: '16kb' }))
  const session = (req) => {
    const s = sessions.fromRequest(req)
    if (!s || !config.companies[s.companyId]) throw new ApiError(401, 'UNAUTHENTICATED', 'sign in with your API key')
    return s
  }
  const signedIn = (s) => ({ success: true, company: s.companyId, csrfToken: s.csrfToken })
  /** The session of a write: its CSRF token must come along. */
  const writer = (req) => {
    const s = session(req)
    if (!sessions.csrfMatches(s, req.get('x-csrf-token'))) {
      throw new ApiError(403, 'CSRF', 'this console request has no valid x-csrf-token: reload the page')
    }
    return s
  }

  // GET /console/api/session: who is signed in, and the CSRF token for writes.
  api.get('/session', (req, res) => {
    res.set('Cache-Control', 'no-store')
    res.json(signedIn(session(req)))
  })

  // POST /console/api/session { apiKey }: signs in. The key is checked and forgotten.
  api.post('/session', (req, res) => {
    const key = req.body?.apiKey
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
      throw new ApiError(400, 'INVALID_INPUT', 'apiKey must be your API key', 'apiKey')
    }
    const company = companyOf(key)
    if (!company) throw new ApiError(401, 'UNAUTHENTICATED', 'unknown API key', 'apiKey')
    const s = sessions.create(company)
    res.set('Set-Cookie', sessionCookie(s, { secure: isSecure(req) }))
    res.set('Cache-Control', 'no-store')
    res.status(201).json(signedIn(s))
  })

  // DELETE /console/api/session: signs out (a write: the CSRF token is required).
  api.delete('/session', (req, res) => {
    const s = writer(req)
    sessions.end(s)
    res.set('Set-Cookie', sessionCookie(null, { secure: isSecure(req) }))
    res.json({ success: true })
  })

  // GET /console/api/events: server-sent events of the company's accounts (webhooks). The
  // stream lives no longer than its session: it ends at sign-out, and when the session has
  // expired (checked before each event and on a timer no longer than the idle timeout).
  api.get('/events', async (req, res) => {
    const s = session(req)
    if (bus.listenerCount('publish') >= MAX_STREAMS) {
      throw new ApiError(503, 'TOO_MANY_STREAMS', 'too many open console event streams; try again later')
    }
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
    res.flushHeaders()
    res.write('retry: 2000\n\n')
    let open = true
    const stop = () => {
      if (!open) return
      open = false
      clearInterval(ping)
      bus.off('webhook', onWebhook)
      bus.off('publish', onPublish)
      sessions.off('end', onEnd)
      res.end()
    }
    // The session still stands (else the stream ends: the browser's reconnect then gets a 401).
    const live = () => {
      if (open && !sessions.alive(s)) stop()
      return open
    }
    const send = (type, data) => live() && res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`)
    const onWebhook = async (events) => {
      if (!live()) return
      const page = await orEmpty(ctx.sdk.accounts.accounts(s.companyId, { limit: 500 }), { items: [] }).catch(() => ({ items: [] }))
      const mine = new Set(page.items.map((a) => a.igUserId))
      for (const e of events) if (mine.has(String(e.entryId))) send('webhook', e)
    }
    const onPublish = (event) => {
      if (event.companyId === s.companyId) send('publish', event.progress)
    }
    const onEnd = (ended) => ended === s && stop()
    const ping = setInterval(() => live() && res.write(': ping\n\n'), Math.min(PING_MS, sessions.idleMs))
    ping.unref()
    bus.on('webhook', onWebhook)
    bus.on('publish', onPublish)
    sessions.on('end', onEnd)
    req.on('close', stop)
  })
  // POST /console/api/caption { caption }: the composer's live counters and its check before
  // sending, both the core's: `{ data: { characters, hashtags, mentions, max… }, error }`.
  api.post('/caption', (req, res) => {
    writer(req)
    const caption = req.body?.caption ?? ''
    if (typeof caption !== 'string') throw new ApiError(400, 'INVALID_INPUT', 'caption must be text', 'caption')
    let error = null
    try {
      ig.validateCaption(caption)
    } catch (err) {
      // The core's sentence, without the package's "validateCaption failed: " lead.
      const body = errorBody(err).body.error
      error = { ...body, message: body.message.replace(/^validateCaption failed: /, '') }
    }
    res.json({ success: true, data: ig.countCaption(caption), error })
  })

  // POST /console/api/uploads (the file's bytes, its Content-Type): a local file for a post.
  // Answers the public URL Meta will fetch it from. The session, its CSRF token and the type
  // are checked on the headers, before a byte of the body is read: a refused request is
  // answered at once and its body never buffered.
  const uploadBody = express.raw({ type: () => true, limit: uploads.limits.maxFileBytes })
  const uploadAllowed = (req, res, next) => {
    writer(req)
    if (!Uploads.kindOf(req.get('content-type'))) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA', 'upload a JPEG or PNG image, or an MP4 or MOV video', 'file')
    }
    next()
  }
  api.post('/uploads', uploadAllowed, uploadBody, (req, res) => {
    const kind = Uploads.kindOf(req.get('content-type'))
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    if (bytes.length === 0) throw new ApiError(400, 'INVALID_INPUT', 'the file is empty', 'file')
    const id = uploads.add(req.get('content-type'), bytes)
    res.status(201).json({ success: true, url: `${req.protocol}://${req.get('host')}/console/uploads/${id}`, kind, bytes: bytes.length })
  })
  r.use('/console/api', api)

  // The uploaded files, for Meta to fetch: no session (the id is the capability).
  r.get('/console/uploads/:id', (req, res) => {
    const file = uploads.get(req.params.id)
    if (!file) throw new ApiError(404, 'NOT_FOUND', 'no such upload')
    res.set({ 'Content-Type': file.contentType, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, max-age=3600' })
    res.send(file.bytes)
  })

  r.get('/', (req, res) => res.redirect(302, '/console/'))
  r.get('/console', sendPage)
  r.get('/console/*page', sendPage)
  return r
}

module.exports = { router, consoleUrls }
