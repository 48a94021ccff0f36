'use strict'
// The token sweep: Instagram Login tokens last 60 days and must be refreshed before they end
// (Facebook Login's long-lived user tokens are checked too). `AccountManager.sweepTokens`
// refreshes a company's tokens that expire within a week and lists the connections whose user
// must connect again; this runs it for every configured company on a timer.

const ig = require('instagraph')
const { logLine } = require('./errors')

/** How soon after start the first sweep runs (or the interval, when shorter). */
const FIRST_RUN_MS = 10_000

/**
 * Starts sweeping every `intervalMs` (the first run after at most FIRST_RUN_MS). The timers are
 * unref'd: they never keep the process alive. A failing sweep is logged and the next one runs
 * as planned. Returns `{ stop }`; `stop()` resolves once a sweep in progress has finished.
 */
function startTokenSweep({ sdk, companies, log, intervalMs }) {
  let running = null
  let stopped = false

  async function sweepCompany(company) {
    try {
      const report = await sdk.accounts.sweepTokens(company)
      if (report.refreshed.length > 0 || report.reconnect.length > 0) {
        const reconnect = report.reconnect.map((r) => r.tokenId).join(', ')
        log(
          `token sweep: ${company}: ${report.refreshed.length} refreshed, ${report.reconnect.length} to reconnect` +
            (reconnect ? ` (token ids ${reconnect})` : ''),
        )
      }
    } catch (err) {
      // A company that never connected has nothing to sweep.
      if (err instanceof ig.NotFoundError) return
      log(logLine(`token sweep of ${company}`, 'failed', err))
    }
  }

  function sweep() {
    // A sweep that outlasts the interval is not run twice at once.
    if (running || stopped) return
    running = (async () => {
      for (const company of companies) await sweepCompany(company)
    })().finally(() => {
      running = null
    })
  }

  const first = setTimeout(sweep, Math.min(FIRST_RUN_MS, intervalMs))
  const every = setInterval(sweep, intervalMs)
  first.unref()
  every.unref()
  return {
    async stop() {
      stopped = true
      clearTimeout(first)
      clearInterval(every)
      await running
    },
  }
}

module.exports = { startTokenSweep }
