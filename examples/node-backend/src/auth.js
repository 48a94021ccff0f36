'use strict'
// Every request (but the OAuth callback and Meta's webhook) is authenticated as a company by
// its API key: header `x-api-key: KEY` or `Authorization: Bearer KEY`.

const { createHash, timingSafeEqual } = require('node:crypto')
const { ApiError, forbidden } = require('./errors')

const digest = (text) => createHash('sha256').update(text).digest()

/** The middleware that sets `req.company` (`{ id, clients }`) or answers 401. */
function authenticate(companies) {
  // Compare digests in constant time so that response timing says nothing about the keys.
  const keys = []
  for (const [id, company] of Object.entries(companies)) {
    for (const key of company.apiKeys) keys.push({ digest: digest(key), id })
  }
  return (req, res, next) => {
    const header = req.get('authorization')
    const bearer = header && /^Bearer\s+(.+)$/i.exec(header)
    const key = req.get('x-api-key') ?? bearer?.[1]?.trim()
    if (!key) {
      return next(new ApiError(401, 'UNAUTHENTICATED', 'send your API key in `x-api-key` or `Authorization: Bearer`'))
    }
    const given = digest(key)
    let found
    for (const k of keys) if (timingSafeEqual(k.digest, given)) found = k.id
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

module.exports = { authenticate, checkCompany }
