'use strict'
// Connecting accounts: the authorize URL and the OAuth callback.

const express = require('express')
const ig = require('instagraph')
const { checkCompany } = require('../auth')
const { badRequest, errorBody, logLine } = require('../errors')
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

// What the frontend's error page is told: one of these codes and its fixed sentence. Nothing of
// the query (Meta's `error_description`, or whatever an attacker put there) and no error's own
// text reaches the redirect: the detail of a server-side failure goes to the log.
const CALLBACK_MESSAGES = {
  access_denied: 'The Instagram connection was cancelled: permission was not granted.',
  invalid_state: 'This connection link is unknown, already used or expired; start connecting again.',
  invalid_code: 'Instagram did not accept the authorization; start connecting again.',
}
const CALLBACK_FAILED = 'The Instagram account could not be connected; start connecting again.'

/**
 * The error code for the frontend: `access_denied` (the user said no), `authorization_failed`
 * (Meta refused for another reason), `invalid_state`, `invalid_code`, or else `code` (the
 * service's code for the error).
 */
function callbackError(err, params, code) {
  // Meta's error triple: only the exact `access_denied` is taken from it.
  if (err instanceof ig.AuthError && err.errorClass === 'permissionMissing') {
    return params.get('error') === 'access_denied' ? 'access_denied' : 'authorization_failed'
  }
  if (err.field === 'state') return 'invalid_state'
  if (err instanceof ig.AuthError && err.field === 'code') return 'invalid_code'
  return code
}

/**
 * GET /instagram/oauth2callback?code&state (or Meta's error triple): finishes the connection
 * and redirects the browser to the frontend with the stored token's id, never a token.
 */
function callback({ config, sdk, log }) {
  return async (req, res) => {
    const at = req.originalUrl.indexOf('?')
    const query = at === -1 ? '' : req.originalUrl.slice(at + 1)
    const params = new URLSearchParams(query)
    res.set('Cache-Control', 'no-store')
    res.set('Referrer-Policy', 'no-referrer')
    try {
      if (!params.get('state')) throw badRequest('state', 'the callback has no state')
      const connection = await sdk.accounts.finishConnect(query)
      const to = new URL(config.frontend.successUrl)
      to.searchParams.set('tokenId', connection.tokenId)
      to.searchParams.set('companyId', connection.company)
      to.searchParams.set('login', connection.login)
      to.searchParams.set('accounts', String(connection.accounts.length))
      res.redirect(302, to.toString())
    } catch (err) {
      const { status, body } = errorBody(err)
      if (status >= 500) log(logLine(`${req.method} ${req.path}`, status, err))
      const code = callbackError(err, params, body.error.code)
      const to = new URL(config.frontend.errorUrl)
      to.searchParams.set('error', code)
      to.searchParams.set('message', CALLBACK_MESSAGES[code] ?? CALLBACK_FAILED)
      res.redirect(302, to.toString())
    }
  }
}

module.exports = { router, callback }
