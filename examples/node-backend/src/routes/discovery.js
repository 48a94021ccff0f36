'use strict'
// Profiles: an account's own, and other professional accounts' through business discovery;
// live broadcasts; oEmbed. The account in the path must be one of the calling company's (the
// SDK refuses others).

const express = require('express')
const ig = require('instagraph')
const input = require('../input')

function router({ sdk }) {
  const r = express.Router()
  const discovery = new ig.Discovery(sdk.accounts)

  // GET /instagram/accounts/:igUserId/profile: username, name, biography, followers, follows,
  // media count, picture, website.
  r.get('/accounts/:igUserId/profile', async (req, res) => {
    const ig = input.pathId(req, 'igUserId')
    res.json({ success: true, data: await discovery.profile(req.company.id, ig) })
  })

  // GET /instagram/accounts/:igUserId/discovery/:username?limit&after: another professional
  // account's profile and a page of its media (`paging.after` → `after` for the next page).
  r.get('/accounts/:igUserId/discovery/:username', async (req, res) => {
    const ig = input.pathId(req, 'igUserId')
    // The SDK checks the username (1 to 30 letters, digits, `.` and `_`) before any call.
    const username = req.params.username
    const options = {}
    const limit = input.int(req, 'limit', { min: 1, max: 100 })
    if (limit !== undefined) options.limit = limit
    const after = input.str(req, 'after', { max: 512 })
    if (after !== undefined) options.after = after
    const found = await discovery.businessDiscovery(req.company.id, ig, username, options)
    res.json({
      success: true,
      data: found.account,
      media: found.media,
      paging: { after: found.nextCursor ?? null, hasNext: Boolean(found.nextCursor) },
    })
  })

  // GET /instagram/accounts/:igUserId/live-media?limit&after: broadcasts in progress.
  r.get('/accounts/:igUserId/live-media', async (req, res) => {
    const ig = input.pathId(req, 'igUserId')
    const options = {}
    const limit = input.int(req, 'limit', { min: 1, max: 100 })
    if (limit !== undefined) options.limit = limit
    const after = input.str(req, 'after', { max: 512 })
    if (after !== undefined) options.after = after
    const page = await discovery.liveMedia(req.company.id, ig, options)
    res.json({ success: true, data: page.data, paging: page.paging })
  })

  // GET /instagram/oembed?url&maxWidth&omitScript&hideCaption: a public post's embed HTML
  // (the app's token; no account involved).
  r.get('/oembed', async (req, res) => {
    const url = input.str(req, 'url', { required: true, max: 2048 })
    const options = {}
    // The SDK bounds the width (320 to 658 pixels) and checks the URL before any call.
    const maxWidth = input.int(req, 'maxWidth', { min: 1, max: 100000 })
    if (maxWidth !== undefined) options.maxWidth = maxWidth
    const omitScript = input.bool(req, 'omitScript')
    if (omitScript !== undefined) options.omitScript = omitScript
    const hideCaption = input.bool(req, 'hideCaption')
    if (hideCaption !== undefined) options.hideCaption = hideCaption
    res.json({ success: true, data: await discovery.oembed(url, options) })
  })
  return r
}

module.exports = { router }
