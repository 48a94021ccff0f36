'use strict'
// Accounts: discover, add, list, assign to the agency's clients, remove, disconnect.

const express = require('express')
const ig = require('instagraph')
const { checkCompany } = require('../auth')
const { ApiError, badRequest, notFound } = require('../errors')
const input = require('../input')

/**
 * A company with no connection yet has no accounts. Only for listings of the company's own
 * accounts: they name nothing else that could be missing, so a `NotFoundError` is the company.
 */
async function orEmpty(promise, empty) {
  try {
    return await promise
  } catch (err) {
    if (err instanceof ig.NotFoundError) return empty
    throw err
  }
}

/** A discovered account as the old routes showed it. */
function discovered(a) {
  return {
    id: a.igUserId,
    username: a.username,
    name: a.name,
    profilePic: a.profilePictureUrl,
    followers: a.followersCount,
    accountType: a.accountType,
    pageId: a.pageId,
    businessId: a.businessId,
    source: a.source,
    isAdded: a.isAdded,
    assignedClientId: a.assignedClientId,
  }
}

// The statuses an added account is filtered by (the console's Accounts page shows the same).
const STATUSES = ['connected', 'expiring', 'reconnect', 'unreachable']

/**
 * An added account's status from its live read (`liveError`) and its connection's status
 * (`connectionStatus`, or null when it could not be read): `reconnect` (the token is not valid),
 * `unreachable` (the live read failed), `expiring` (the SDK says it is due for renewal), else
 * `connected`.
 */
function accountState({ liveError }, connection) {
  if (connection && !connection.valid) return 'reconnect'
  if (liveError) return 'unreachable'
  if (connection?.expiring) return 'expiring'
  return 'connected'
}

const strip = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

function clientOf(company, clientId) {
  if (!clientId) return null
  return company.clients.find((c) => c.id === clientId) ?? { id: clientId, name: null }
}

/** `{ updated, unknown }` → the response, or a 404 naming the ids the company does not have. */
function outcome(res, out, field, what) {
  if (out.unknown.length > 0) {
    throw new ApiError(404, 'NOT_FOUND', `not accounts of your company: ${out.unknown.join(', ')}`, field, {
      updatedCount: out.updated,
      unknown: out.unknown,
    })
  }
  res.json({ success: true, message: `${out.updated} Instagram account(s) ${what}`, updatedCount: out.updated })
}

function router({ sdk }) {
  const r = express.Router()
  // With a token id (the one the callback redirected with): discovery again, from Meta.
  // Without: the accounts found when the company connected, from the store (no API call).
  // `access_token` is accepted and ignored: tokens never leave the store.
  const discover = async (req) => {
    checkCompany(req)
    const tokenId = input.id(req, ['tokenId', 'userAccessTokenId'], { required: false })
    if (tokenId) return (await sdk.accounts.discover(req.company.id, tokenId)).accounts
    const facebookUserId = input.id(req, 'facebookUserId', { required: false })
    const page = await orEmpty(sdk.accounts.accounts(req.company.id, strip({ facebookUserId, limit: 500 })), { items: [] })
    return page.items
  }

  // GET /instagram/get-accounts-businesses[?tokenId | ?facebookUserId]
  r.get('/get-accounts-businesses', async (req, res) => {
    const accounts = (await discover(req)).map(discovered)
    const businesses = new Map()
    for (const a of accounts) {
      if (!a.businessId) continue
      if (!businesses.has(a.businessId)) businesses.set(a.businessId, { id: a.businessId, instagramAccounts: [] })
      businesses.get(a.businessId).instagramAccounts.push(a)
    }
    res.json({ success: true, data: { accounts, businesses: [...businesses.values()] } })
  })

  // GET /instagram/businesses[?tokenId]: the Pages reached through business portfolios, the
  // portfolios by name, and the Pages with no Instagram account linked (nothing to add there).
  // Names come from Meta, so only with `tokenId` (discovery again); from the store, the
  // portfolios are known by id only.
  r.get('/businesses', async (req, res) => {
    checkCompany(req)
    const tokenId = input.id(req, ['tokenId', 'userAccessTokenId'], { required: false })
    const connection = tokenId ? await sdk.accounts.discover(req.company.id, tokenId) : null
    const accounts = connection ? connection.accounts : await discover(req)
    const pages = accounts
      .filter((a) => a.businessId)
      .map((a) => ({
        id: a.pageId,
        businessId: a.businessId,
        relation: a.source === 'business_client' ? 'client' : 'owned',
        instagramBusinessAccount: discovered(a),
      }))
    const businesses = connection
      ? connection.businesses
      : [...new Set(pages.map((p) => p.businessId))].map((id) => ({ id, name: null }))
    const pagesWithoutInstagram = connection ? connection.pagesWithoutInstagram : null
    res.json({ success: true, pages, businesses, pagesWithoutInstagram })
  })

  // POST /instagram/add-instagram-account { companyId, instagramAccounts: [{ id, … }] }
  r.post('/add-instagram-account', async (req, res) => {
    checkCompany(req)
    // `accountIds` (a list of ids) is accepted too; errors name the field that was sent.
    const name = req.body?.instagramAccounts === undefined && req.body?.accountIds !== undefined ? 'accountIds' : 'instagramAccounts'
    const given = req.body?.[name]
    if (!Array.isArray(given) || given.length === 0 || given.length > 100) {
      throw badRequest(name, `${name} must be an array of 1 to 100 { id } objects or ids`)
    }
    const ids = given.map((a) => (typeof a === 'string' ? a : a?.id))
    if (ids.some((id) => typeof id !== 'string' || !/^\d{1,32}$/.test(id))) {
      throw badRequest(name, `every ${name} item needs a numeric string id`)
    }
    outcome(res, await sdk.accounts.add(req.company.id, ids), name, 'added')
  })

  // GET /instagram/get-added-accounts[?search&clientId&assigned&status&sortBy&descending&offset&limit]:
  // the added accounts with live details. Each live detail is one Graph call: the SDK makes at
  // most 8 at once and lists at most 100 accounts per call (AccountManager::added, rustdoc of
  // MAX_LIVE_ACCOUNTS); a larger `limit` is refused with 400 naming `limit`, before any call to
  // Meta, so page through a bigger list with `offset`. `status` (see accountState) filters
  // before paging, so `total` and the pages count only the matching accounts: it reads every
  // account matching the other filters, and each connection's status once (`debug_token`).
  r.get('/get-added-accounts', async (req, res) => {
    checkCompany(req)
    const options = strip({
      search: input.str(req, 'search', { max: 100 }),
      clientId: input.id(req, 'clientId', { required: false }),
      assigned: input.bool(req, 'assigned'),
      sortBy: input.oneOf(req, 'sortBy', ['username', 'name', 'followers', 'createdAt', 'updatedAt']),
      descending: input.bool(req, 'descending'),
      offset: input.int(req, 'offset', { min: 0, max: 1_000_000 }),
      limit: input.int(req, 'limit', { min: 1, max: 500 }),
    })
    const status = input.oneOf(req, 'status', STATUSES)
    const company = req.company.id
    const row = ({ account: a, liveError }, state) => ({
      id: a.igUserId,
      username: a.username,
      name: a.name,
      profilePic: a.profilePictureUrl,
      followers: a.followersCount,
      accountType: a.accountType,
      assignedClient: clientOf(req.company, a.assignedClientId),
      status: liveError ? 'unreachable' : 'connected',
      tokenId: a.tokenId,
      ...(state ? { state } : {}),
    })
    if (!status) {
      const added = await orEmpty(sdk.accounts.added(company, options), { items: [], total: 0 })
      return res.json({ success: true, data: added.items.map((item) => row(item)), total: added.total })
    }
    // Every account matching the other filters, a page at a time (the SDK checks `limit`).
    const { offset = 0, limit, ...filters } = options
    const all = []
    for (;;) {
      const page = await orEmpty(sdk.accounts.added(company, strip({ ...filters, limit, offset: all.length })), { items: [], total: 0 })
      all.push(...page.items)
      if (page.items.length === 0 || all.length >= page.total) break
    }
    const tokenIds = [...new Set(all.map((i) => i.account.tokenId).filter(Boolean))]
    const connections = new Map(
      await Promise.all(tokenIds.map(async (id) => [id, await sdk.accounts.connectionStatus(company, id).catch(() => null)])),
    )
    const matching = all
      .map((item) => ({ item, state: accountState(item, connections.get(item.account.tokenId)) }))
      .filter((m) => m.state === status)
    const shown = matching.slice(offset, limit === undefined ? undefined : offset + limit)
    res.json({ success: true, data: shown.map((m) => row(m.item, m.state)), total: matching.length })
  })

  // GET /instagram/clients/available: the company's agency clients (from configuration).
  r.get('/clients/available', (req, res) => {
    checkCompany(req)
    res.json({ success: true, data: req.company.clients })
  })

  // POST /instagram/accounts/assign-to-client { companyId, clientId, accountIds }
  r.post('/accounts/assign-to-client', async (req, res) => {
    checkCompany(req)
    const clientId = input.id(req, 'clientId')
    const accountIds = input.ids(req, 'accountIds', { required: true })
    if (!req.company.clients.some((c) => c.id === clientId)) throw notFound('clientId is not one of your clients', 'clientId')
    outcome(res, await sdk.accounts.assign(req.company.id, clientId, accountIds), 'accountIds', 'assigned')
  })

  // GET /instagram/accounts/assignments
  r.get('/accounts/assignments', async (req, res) => {
    checkCompany(req)
    const list = await orEmpty(sdk.accounts.assignments(req.company.id), [])
    const data = list.map((a) => ({
      igUserId: a.igUserId,
      username: a.username,
      clientId: a.clientId,
      client: clientOf(req.company, a.clientId),
    }))
    res.json({ success: true, data })
  })

  // DELETE /instagram/accounts/:igUserId/assignment
  r.delete('/accounts/:igUserId/assignment', async (req, res) => {
    const id = input.pathId(req, 'igUserId')
    outcome(res, await sdk.accounts.unassign(req.company.id, [id]), 'igUserId', 'unassigned')
  })

  // DELETE /instagram/accounts/:igUserId: removes the account from the company.
  r.delete('/accounts/:igUserId', async (req, res) => {
    const id = input.pathId(req, 'igUserId')
    await sdk.accounts.remove(req.company.id, id)
    res.json({ success: true, message: `Instagram account ${id} removed` })
  })

  // GET /instagram/connections/:tokenId/status: is the stored token still valid?
  r.get('/connections/:tokenId/status', async (req, res) => {
    const tokenId = input.pathId(req, 'tokenId')
    const status = await sdk.accounts.connectionStatus(req.company.id, tokenId)
    res.json({ success: true, data: status })
  })

  // POST /instagram/disconnect { tokenId }: revokes the connection and removes its accounts.
  r.post('/disconnect', async (req, res) => {
    checkCompany(req)
    const tokenId = input.id(req, ['tokenId', 'userAccessTokenId'])
    const out = await sdk.accounts.disconnect(req.company.id, tokenId)
    res.json({ success: true, ...out })
  })
  return r
}

module.exports = { router, orEmpty, accountState }
