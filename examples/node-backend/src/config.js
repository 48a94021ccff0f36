'use strict'
// Configuration: from the environment (loadConfig) or an options object (normalizeConfig).
// Bad configuration fails at start-up with a message naming the setting, never at request time.

const { readFileSync } = require('node:fs')

class ConfigurationError extends Error {
  constructor(setting, reason) {
    super(`invalid configuration ${setting}: ${reason}`)
    this.name = 'ConfigurationError'
    this.setting = setting
  }
}

function list(value) {
  if (value === undefined || value === null || value === '') return undefined
  if (Array.isArray(value)) return value.map(String).filter(Boolean)
  return String(value)
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
}

/** `acme:key1,globex:key2,acme:key3` → { acme: ['key1', 'key3'], globex: ['key2'] }. */
function parseApiKeys(text) {
  const out = {}
  for (const [n, pair] of (list(text) ?? []).entries()) {
    const at = pair.indexOf(':')
    const company = pair.slice(0, at).trim()
    const key = pair.slice(at + 1).trim()
    if (at <= 0 || !key) {
      // Says which entry, never its text: a malformed entry may still be a key.
      throw new ConfigurationError('COMPANY_API_KEYS', `entry ${n + 1} is not company:key`)
    }
    ;(out[company] ??= []).push(key)
  }
  return out
}

function parseJson(setting, text) {
  try {
    return JSON.parse(text)
  } catch {
    // Not the parser's message: it quotes the text, and the text may hold API keys.
    throw new ConfigurationError(setting, 'is not valid JSON')
  }
}

/**
 * Whether processes on this store share its state: an SQLite file or a Postgres database can
 * be opened by several service processes at once; `memory:` belongs to one.
 */
function isSharedStoreUrl(url) {
  return /^(sqlite:|postgres(ql)?:)/.test(String(url ?? ''))
}

/** Every 6 hours: a 60-day token gets many tries within the week before it ends. */
const DEFAULT_SWEEP_INTERVAL_MS = 6 * 3600 * 1000
// Node's timers take at most 2^31 - 1 ms (longer fires at once, every millisecond).
const MAX_TIMER_MS = 2 ** 31 - 1

function sweepInterval(value) {
  if (value === undefined || value === null || value === '') return DEFAULT_SWEEP_INTERVAL_MS
  const ms = Number(value)
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIMER_MS) {
    throw new ConfigurationError('TOKEN_SWEEP_INTERVAL_MS', `must be 0 (off) or 1 to ${MAX_TIMER_MS} milliseconds`)
  }
  return ms
}

/**
 * Normalises `companies` to `{ [companyId]: { apiKeys: string[], clients: [{ id, name }] } }`
 * and checks that every key is long enough and belongs to one company only.
 */
function normalizeCompanies(companies) {
  const out = {}
  const owners = new Map()
  for (const [id, value] of Object.entries(companies ?? {})) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) {
      throw new ConfigurationError('companies', `company id "${id}" must be 1-64 of A-Z a-z 0-9 _ . -`)
    }
    const apiKeys = list(value?.apiKeys) ?? []
    for (const key of apiKeys) {
      if (key.length < 8) throw new ConfigurationError('companies', `an API key of "${id}" is shorter than 8 characters`)
      if (owners.has(key) && owners.get(key) !== id) {
        throw new ConfigurationError('companies', `one API key is given to both "${owners.get(key)}" and "${id}"`)
      }
      owners.set(key, id)
    }
    const clients = (value?.clients ?? []).map((c) => {
      const client = typeof c === 'string' ? { id: c, name: c } : { ...c }
      if (!client.id || typeof client.id !== 'string') {
        throw new ConfigurationError('companies', `a client of "${id}" has no string id`)
      }
      client.name = client.name ?? client.id
      return client
    })
    out[id] = { apiKeys, clients }
  }
  return out
}

/** Fills defaults in and validates a configuration object (the options of `createApp`). */
function normalizeConfig(options = {}) {
  const instagram = { ...(options.instagram ?? {}) }
  instagram.mode = (instagram.mode ?? 'production').toLowerCase()
  if (!['production', 'sandbox'].includes(instagram.mode)) {
    throw new ConfigurationError('INSTAGRAM_MODE', `"${instagram.mode}" is neither production nor sandbox`)
  }
  // Unset: the SDK's default scopes (everything its features need).
  instagram.scopes = list(instagram.scopes)
  instagram.allowedRedirectUris = list(instagram.allowedRedirectUris) ?? []
  if (!options.client && !(options.accounts && typeof options.accounts !== 'function')) {
    if (!instagram.appId) throw new ConfigurationError('INSTAGRAM_APP_ID', 'is required (or INSTAGRAM_MODE=sandbox)')
    if (!instagram.redirectUri) throw new ConfigurationError('INSTAGRAM_REDIRECT_URI', 'is required')
  }
  const companies = normalizeCompanies(options.companies)
  if (Object.keys(companies).length === 0) {
    throw new ConfigurationError('COMPANY_API_KEYS', 'names no company (e.g. COMPANY_API_KEYS=acme:a-long-key)')
  }
  const frontend = {
    successUrl: options.frontend?.successUrl ?? 'http://localhost:4200/integrations/instagram/connected',
    errorUrl: options.frontend?.errorUrl ?? 'http://localhost:4200/integrations/instagram/error',
  }
  for (const [name, url] of Object.entries(frontend)) {
    try {
      new URL(url)
    } catch {
      throw new ConfigurationError(`frontend.${name}`, `"${url}" is not an absolute URL`)
    }
  }
  const storeUrl = options.storeUrl ?? 'memory:'
  if (options.sharedState !== undefined && typeof options.sharedState !== 'boolean') {
    throw new ConfigurationError('sharedState', 'must be true or false')
  }
  return {
    instagram,
    companies,
    frontend,
    storeUrl,
    // Count webhook deliveries, the hashtag budget and the publishing quota in the store, with
    // every other process on it. A JS store (`accounts`) says so with `sharedState: true`.
    sharedState: options.sharedState ?? isSharedStoreUrl(storeUrl),
    sealingKey: options.sealingKey,
    webhooks: {
      verifyToken: options.webhooks?.verifyToken,
      appSecret: options.webhooks?.appSecret ?? instagram.appSecret,
      dedupeCapacity: options.webhooks?.dedupeCapacity ?? 10_000,
      keepEvents: options.webhooks?.keepEvents ?? 200,
    },
    tokenSweep: { intervalMs: sweepInterval(options.tokenSweep?.intervalMs) },
    scheduler: {
      workerId: options.scheduler?.workerId ?? `node-backend-${process.pid}`,
      pollIntervalMs: options.scheduler?.pollIntervalMs,
      maxPollIntervalMs: options.scheduler?.maxPollIntervalMs,
    },
  }
}

/** Reads the configuration from environment variables (see README.md). */
function loadConfig(env = process.env) {
  const companies = {}
  if (env.COMPANIES_FILE) {
    let text
    try {
      text = readFileSync(env.COMPANIES_FILE, 'utf8')
    } catch (e) {
      throw new ConfigurationError('COMPANIES_FILE', e.message)
    }
    Object.assign(companies, parseJson('COMPANIES_FILE', text))
  }
  for (const [company, keys] of Object.entries(parseApiKeys(env.COMPANY_API_KEYS))) {
    companies[company] = { ...(companies[company] ?? {}), apiKeys: [...(companies[company]?.apiKeys ?? []), ...keys] }
  }
  if (env.COMPANY_CLIENTS) {
    for (const [company, clients] of Object.entries(parseJson('COMPANY_CLIENTS', env.COMPANY_CLIENTS))) {
      companies[company] = { ...(companies[company] ?? { apiKeys: [] }), clients }
    }
  }
  return {
    port: env.PORT === undefined ? 3000 : Number(env.PORT),
    host: env.HOST ?? '127.0.0.1',
    companies,
    frontend: { successUrl: env.FRONTEND_SUCCESS_URL, errorUrl: env.FRONTEND_ERROR_URL },
    storeUrl: env.INSTAGRAPH_STORE_URL,
    sealingKey: env.INSTAGRAPH_SEALING_KEY,
    instagram: {
      mode: env.INSTAGRAM_MODE,
      appId: env.INSTAGRAM_APP_ID ?? env.FACEBOOK_APP_ID,
      appSecret: env.INSTAGRAM_APP_SECRET ?? env.FACEBOOK_APP_SECRET,
      apiVersion: env.INSTAGRAM_API_VERSION,
      sandboxUrl: env.INSTAGRAM_SANDBOX_URL,
      redirectUri: env.INSTAGRAM_REDIRECT_URI,
      allowedRedirectUris: env.INSTAGRAM_ALLOWED_REDIRECT_URIS,
      scopes: env.INSTAGRAM_SCOPES,
    },
    webhooks: { verifyToken: env.WEBHOOK_VERIFY_TOKEN },
    tokenSweep: { intervalMs: env.TOKEN_SWEEP_INTERVAL_MS },
    scheduler: {
      workerId: env.SCHEDULER_WORKER_ID,
      pollIntervalMs: env.SCHEDULER_POLL_MS === undefined ? undefined : Number(env.SCHEDULER_POLL_MS),
      maxPollIntervalMs: env.SCHEDULER_MAX_POLL_MS === undefined ? undefined : Number(env.SCHEDULER_MAX_POLL_MS),
    },
  }
}

module.exports = { loadConfig, normalizeConfig, ConfigurationError, list }
