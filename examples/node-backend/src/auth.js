'use strict'
// Every request (but the OAuth callback and Meta's webhook) is authenticated as a company by
// its API key: header `x-api-key: KEY` or `Authorization: Bearer KEY`; the console's pages by
// their session cookie (src/console/sessions.js).

const { createHash, timingSafeEqual } = require('node:crypto')
const { ApiError, forbidden } = require('./errors')

const digest = (text) => createHash('sha256').update(text).digest()

/** `(key) → company id | undefined`, comparing digests in constant time over every key. */
function keyChecker(companies) {
  // Constant time, and every key compared: response timing says nothing about the keys.
  const keys = []
  for (const [id, company] of Object.entries(companies)) {
    for (const key of company.apiKeys) keys.push({ digest: digest(key), id })
  }
  return (key) => {
    const given = digest(key)
    let found
    for (const k of keys) if (timingSafeEqual(k.digest, given)) found = k.id
    return found
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The middleware that sets `req.company` (`{ id, clients }`) or answers 401: by the API key, or
 * else by a console session's cookie (`sessions`), whose writes must carry the session's
 * `x-csrf-token` (else 403 `CSRF`).
 */
function authenticate(companies, sessions) {
  const companyOf = keyChecker(companies)
  return (req, res, next) => {
    const header = req.get('authorization')
    const bearer = header && /^Bearer\s+(.+)$/i.exec(header)
    const key = req.get('x-api-key') ?? bearer?.[1]?.trim()
    if (!key) {
      const session = sessions?.fromRequest(req)
      if (session && companies[session.companyId]) {
        if (!SAFE_METHODS.has(req.method) && !sessions.csrfMatches(session, req.get('x-csrf-token'))) {
          return next(new ApiError(403, 'CSRF', 'this console request has no valid x-csrf-token: reload the page'))
        }
        req.company = { id: session.companyId, clients: companies[session.companyId].clients }
        return next()
      }
      return next(new ApiError(401, 'UNAUTHENTICATED', 'send your API key in `x-api-key` or `Authorization: Bearer`'))
    }
    const found = companyOf(key)
    if (!found) return next(new ApiError(401, 'UNAUTHENTICATED', 'unknown API key'))
    req.company = { id: found, clients: companies[found].clients }
    next()
  }
}

/**
 * A `companyId` given in the query or body must be the authenticated company (the old routes
 * took it as a parameter; now the key decides and a mismatch is refused).
 */
function checkCompany(req) {
  const given = req.body?.companyId ?? req.query?.companyId
  if (given !== undefined && given !== null && given !== '' && String(given) !== req.company.id) {
    throw forbidden('companyId is not the company of this API key', 'companyId')
  }
  return req.company.id
}

module.exports = { authenticate, checkCompany, keyChecker }
