// Shared test setup: the instagraph sandbox + the service on an ephemeral port, two companies,
// a request helper that checks every response for leaked tokens, and the real OAuth connect.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Sandbox } = require('instagraph')
const { start } = require('../src/server.js')

export const KEYS = { acme: 'acme-key-0123456789', globex: 'globex-key-0123456789' }
export const VERIFY_TOKEN = 'verify-me-please'

// Sandbox tokens look like Meta's: EAA… (Facebook Login) or IGAA… (Instagram Login), then
// SBX and 40 letters and digits. The scan looks for the Meta prefixes, sandbox or not.
export const TOKEN_PATTERN = /(?:EAA|IGAA)[A-Za-z0-9]{20,}/

/**
 * Starts the sandbox and the service; resolves to the helpers the tests use. `log` receives
 * the service's log lines (server-side failures, the token sweep).
 */
export async function startBackend({ config = {}, sandbox: given, log = () => {} } = {}) {
  const sandbox = given ?? (await Sandbox.start())
  const secrets = [sandbox.appSecret, `${sandbox.appId}|${sandbox.appSecret}`]
  const running = await start({
    env: {},
    sandbox,
    log,
    config: {
      port: 0,
      host: '127.0.0.1',
      companies: {
        acme: {
          apiKeys: [KEYS.acme],
          clients: [
            { id: 'bakery-client', name: 'The Bakery' },
            { id: 'travel-client', name: 'Travel Co' },
          ],
        },
        globex: { apiKeys: [KEYS.globex], clients: [{ id: 'builder-client', name: 'Builders Ltd' }] },
      },
      webhooks: { verifyToken: VERIFY_TOKEN },
      scheduler: { pollIntervalMs: 100, maxPollIntervalMs: 250 },
      ...config,
    },
  })
  const base = running.url
  const seen = { responses: 0 }

  /** Fails the test if a text holds a token or the app secret. */
  function assertNoSecrets(text, where) {
    assert.doesNotMatch(text, TOKEN_PATTERN, `a token leaked in ${where}`)
    for (const secret of secrets) assert.ok(!text.includes(secret), `the app secret leaked in ${where}`)
  }

  /**
   * One request. `as`: the company whose key to send (or `null` for none). Resolves to
   * `{ status, body, text, headers }` after checking the body and Location for tokens.
   */
  async function api(method, path, { as = 'acme', body, headers = {}, raw } = {}) {
    const h = { ...headers }
    if (as) h['x-api-key'] = KEYS[as] ?? as
    let payload
    if (raw !== undefined) payload = raw
    else if (body !== undefined) {
      payload = JSON.stringify(body)
      h['content-type'] = 'application/json'
    }
    const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, {
      method,
      headers: h,
      body: payload,
      redirect: 'manual',
    })
    const text = await res.text()
    seen.responses++
    assertNoSecrets(text, `${method} ${path}`)
    const location = res.headers.get('location')
    if (location) assertNoSecrets(location, `the Location of ${method} ${path}`)
    let parsed
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    return { status: res.status, body: parsed, text, headers: res.headers, location }
  }

  /**
   * Connects a seeded Facebook user's accounts to a company through the real routes:
   * auth URL → sandbox consent → callback → the console page the redirect names.
   */
  async function connect(company, userIndex) {
    const auth = await api('GET', `/instagram/auth/url?companyId=${company}`, { as: company })
    assert.equal(auth.status, 200, auth.text)
    const callback = await sandbox.consent(auth.body.url, sandbox.seedUsers[userIndex].id, true)
    assert.ok(callback.startsWith(`${base}/instagram/oauth2callback?`), callback)
    const back = await api('GET', callback, { as: null })
    assert.equal(back.status, 302, back.text)
    const location = new URL(back.location)
    assert.equal(`${location.origin}${location.pathname}`, `${base}/console/connect`)
    const tokenId = location.searchParams.get('tokenId')
    assert.ok(tokenId, back.location)
    assert.equal(location.searchParams.get('companyId'), company)
    // The console's Connect page, which lists the connection's accounts once signed in.
    const landing = await api('GET', back.location, { as: null })
    assert.equal(landing.status, 200)
    assert.match(landing.headers.get('content-type'), /^text\/html/)
    return { tokenId, accounts: Number(location.searchParams.get('accounts')) }
  }

  /** Asserts the error shape `{ success: false, error: { message, code, field? } }`. */
  function assertError(res, status, { code, field } = {}) {
    assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`)
    assert.equal(res.body?.success, false, res.text)
    assert.equal(typeof res.body.error?.message, 'string', res.text)
    assert.ok(res.body.error.message.length > 0)
    assert.equal(typeof res.body.error.code, 'string', res.text)
    if (code) assert.equal(res.body.error.code, code, res.text)
    if (field) assert.equal(res.body.error.field, field, res.text)
  }

  /** Mints a real sandbox token (to prove that the leak scan would catch one). */
  async function mintToken() {
    const res = await fetch(`${sandbox.baseUrl}/__sandbox/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: sandbox.seedUsers[0].id }),
    })
    return (await res.json()).access_token
  }

  /** Changes the sandbox's configuration (`POST /__sandbox/config`). */
  async function sandboxConfig(patch) {
    const res = await fetch(`${sandbox.baseUrl}/__sandbox/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    })
    assert.equal(res.status, 200, await res.text())
  }

  /** Stops the service (and the sandbox unless it was given: `{ keepSandbox: true }`). */
  async function stop({ keepSandbox = Boolean(given) } = {}) {
    await running.close()
    if (!keepSandbox) await sandbox.stop()
  }

  return { sandbox, base, app: running.app, api, connect, assertError, assertNoSecrets, mintToken, sandboxConfig, seen, stop }
}

/** Polls `probe` until it returns a truthy value (bounded by attempts, not by speed). */
export async function eventually(probe, { attempts = 600, delayMs = 100 } = {}) {
  let last
  for (let i = 0; i < attempts; i++) {
    last = await probe()
    if (last) return last
    await new Promise((resolve) => setTimeout(resolve, delayMs))
  }
  return last
}

/** `[method, path]` of every route of an Express 5 app, as declared (`/instagram/media/:id`). */
export function routesOf(app) {
  const out = []
  const walk = (stack, prefix) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = (prefix + layer.route.path).replace(/\/+/g, '/').replace(/(.)\/$/, '$1')
        for (const method of Object.keys(layer.route.methods)) out.push([method.toUpperCase(), path])
      } else if (layer.handle && layer.handle.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath || ''))
      }
    }
  }
  walk(app.router.stack, '')
  return out
}

/** `[method, path]` of every route of an Express 5 app, parameters filled with `1`. */
export function servedRoutes(app) {
  return routesOf(app).map(([method, path]) => [method, path.replace(/:[A-Za-z]+/g, '1')])
}
