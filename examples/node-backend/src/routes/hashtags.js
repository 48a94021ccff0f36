'use strict'
// Hashtag search within Meta's budget (30 unique hashtags per account per 7 days). On a shared
// store the budget is counted in it, so every service process counts against one budget per
// account; a search past it is a 429 `HASHTAG_BUDGET_EXCEEDED` made before any call to Meta.

const express = require('express')
const input = require('../input')

function router({ sdk }) {
  const r = express.Router()

  // GET /instagram/accounts/:igUserId/hashtags/search?q: `{ id }` of the hashtag (no `#`).
  r.get('/accounts/:igUserId/hashtags/search', async (req, res) => {
    const ig = input.pathId(req, 'igUserId')
    // The SDK checks the hashtag (no `#`, no spaces) before any call.
    const q = input.str(req, 'q', { required: true, max: 256 })
    res.json({ success: true, data: await sdk.hashtags.search(req.company.id, ig, q) })
  })

  // GET /instagram/accounts/:igUserId/hashtags/budget: `{ used, remaining }` now.
  r.get('/accounts/:igUserId/hashtags/budget', async (req, res) => {
    const ig = input.pathId(req, 'igUserId')
    res.json({ success: true, data: await sdk.hashtags.budget(req.company.id, ig) })
  })
  return r
}

module.exports = { router }
