'use strict'
// Connecting accounts: the authorize URL and the OAuth callback.

const express = require('express')
const ig = require('instagraph')
const { checkCompany } = require('../auth')
const { badRequest, errorBody } = require('../errors')
const input = require('../input')

function router({ config, sdk }) {
  const r = express.Router()
  const { instagram } = config
  const allowed = [instagram.redirectUri, ...instagram.allowedRedirectUris].filter(Boolean)

  // GET /instagram/auth/url?companyId&scopes&redirectURIs[&login=facebook|instagram&agencyClientId]
  r.get('/auth/url', async (req, res) => {
    const companyId = input.str(req, 'companyId', { required: true, max: 64 })
    checkCompany(req)
    const scopes = input.list(req, 'scopes', { max: 40, itemMax: 64 })
    const redirectUri = input.list(req, ['redirectURIs', 'redirectUri'], { max: 10, itemMax: 2048 })?.[0]
    if (redirectUri !== undefined && !allowed.includes(redirectUri)) {
      throw badRequest('redirectURIs', 'redirectURIs must be one of the configured redirect URIs')
    }
    const login = input.oneOf(req, 'login', ['facebook', 'instagram'])
    const agencyClientId = input.id(req, 'agencyClientId', { required: false })
    if (agencyClientId && !req.company.clients.some((c) => c.id === agencyClientId)) {
      throw badRequest('agencyClientId', 'agencyClientId is not one of your clients')
    }
    const start = await sdk.accounts.startConnect({ companyId, login, scopes, redirectUri, clientId: agencyClientId })
    res.json({
      success: true,
      url: start.url,
      scopes: start.scopes,
      clientId: start.appId,
      expectedRedirectUri: start.redirectUri,
      redirectURIs: allowed,
      expiresAt: start.expiresAt,
    })
  })
  return r
}

/** What the frontend's error page is told: the user said no, a bad state or code, or else. */
function callbackError(err, code) {
  if (err.errorClass === 'permissionMissing') return 'access_denied'
  if (err instanceof ig.AuthError && /OAuth state/.test(err.message)) return 'invalid_state'
  if (err instanceof ig.AuthError && /authorization code|`code`/.test(err.message)) return 'invalid_code'
  if (err.field === 'state') return 'invalid_state'
  return code
}

/**
 * GET /instagram/oauth2callback?code&state (or Meta's error triple): finishes the connection
 * and redirects the browser to the frontend with the stored token's id, never a token.
 */
function callback({ config, sdk }) {
  return async (req, res) => {
    const at = req.originalUrl.indexOf('?')
    const query = at === -1 ? '' : req.originalUrl.slice(at + 1)
    res.set('Cache-Control', 'no-store')
    res.set('Referrer-Policy', 'no-referrer')
    try {
      if (!new URLSearchParams(query).get('state')) throw badRequest('state', 'the callback has no state')
      const connection = await sdk.accounts.finishConnect(query)
      const to = new URL(config.frontend.successUrl)
      to.searchParams.set('tokenId', connection.tokenId)
      to.searchParams.set('companyId', connection.company)
      to.searchParams.set('login', connection.login)
      to.searchParams.set('accounts', String(connection.accounts.length))
      res.redirect(302, to.toString())
    } catch (err) {
      const { body } = errorBody(err)
      const to = new URL(config.frontend.errorUrl)
      to.searchParams.set('error', callbackError(err, body.error.code))
      to.searchParams.set('message', String(body.error.message).slice(0, 300))
      res.redirect(302, to.toString())
    }
  }
}

module.exports = { router, callback }
