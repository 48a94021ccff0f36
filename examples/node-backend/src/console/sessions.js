'use strict'
// The console's sign-in sessions: a random id in an HttpOnly, SameSite=Strict cookie, the
// company and a CSRF token on the server. The API key is checked once, at sign-in, and never
// kept; the browser holds only the session id (unreadable by scripts) and the CSRF token.

const { EventEmitter } = require('node:events')
const { randomBytes, createHash, timingSafeEqual } = require('node:crypto')

const COOKIE = 'ig_console'
const DEFAULTS = { maxSessions: 1000, idleMs: 30 * 60_000, maxAgeMs: 12 * 60 * 60_000 }

const digest = (text) => createHash('sha256').update(String(text)).digest()

/** Reads one cookie from a Cookie header (no library: one name, opaque base64url values). */
function cookieValue(header, name) {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return undefined
}

/**
 * A bounded, expiring session map. `maxSessions`: past it the least recently used session is
 * dropped; `idleMs`: a session unused that long ends; `maxAgeMs`: every session ends that long
 * after sign-in. `now` is injectable for tests. Emits `end` (the session) on sign-out.
 */
class Sessions extends EventEmitter {
  constructor({ maxSessions, idleMs, maxAgeMs, now } = {}) {
    super()
    // One listener per open console event stream (bounded by the streams' own limit).
    this.setMaxListeners(0)
    this.maxSessions = maxSessions ?? DEFAULTS.maxSessions
    this.idleMs = idleMs ?? DEFAULTS.idleMs
    this.maxAgeMs = maxAgeMs ?? DEFAULTS.maxAgeMs
    this.now = now ?? Date.now
    // Insertion order is use order: a session used again is moved to the end.
    this.byId = new Map()
  }

  /** A new session of `companyId`: `{ id, csrfToken }`. */
  create(companyId) {
    const now = this.now()
    const id = randomBytes(32).toString('base64url')
    const session = { id, companyId, csrfToken: randomBytes(32).toString('base64url'), createdAt: now, usedAt: now }
    this.byId.set(id, session)
    while (this.byId.size > this.maxSessions) this.byId.delete(this.byId.keys().next().value)
    return session
  }

  /** The live session of a request's cookie (refreshing its idle timer), or null. */
  fromRequest(req) {
    const id = cookieValue(req.get('cookie'), COOKIE)
    if (!id) return null
    const session = this.byId.get(id)
    if (!session) return null
    const now = this.now()
    if (now - session.usedAt > this.idleMs || now - session.createdAt > this.maxAgeMs) {
      this.byId.delete(id)
      return null
    }
    session.usedAt = now
    this.byId.delete(id)
    this.byId.set(id, session)
    return session
  }

  /** Whether `given` (the request's `x-csrf-token`) is the session's token, in constant time. */
  csrfMatches(session, given) {
    return typeof given === 'string' && given.length > 0 && timingSafeEqual(digest(session.csrfToken), digest(given))
  }

  /**
   * Whether `session` is still live — not ended, not idle past `idleMs`, not older than
   * `maxAgeMs` — without counting as a use (an open event stream asks this; it must not keep
   * the session alive by itself).
   */
  alive(session) {
    if (this.byId.get(session.id) !== session) return false
    const now = this.now()
    return now - session.usedAt <= this.idleMs && now - session.createdAt <= this.maxAgeMs
  }

  end(session) {
    this.byId.delete(session.id)
    this.emit('end', session)
  }

  get size() {
    return this.byId.size
  }
}

/** The Set-Cookie value of a session (`null`: the cookie that ends it). */
function sessionCookie(session, { secure }) {
  const attrs = ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])]
  if (!session) return `${COOKIE}=; ${attrs.join('; ')}; Max-Age=0`
  return `${COOKIE}=${session.id}; ${attrs.join('; ')}`
}

module.exports = { Sessions, sessionCookie, COOKIE }
