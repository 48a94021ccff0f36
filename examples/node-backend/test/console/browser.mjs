// The browser side of the console tests: Debian's Chromium driven by playwright-core (no
// browser download), axe-core injected into each page, and screenshots of every page at a
// desktop and a phone size.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { chromium } = require('playwright-core')
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Where the screenshots go (CONSOLE_SCREENSHOTS, else test-results/console-screenshots). */
export const SCREENSHOTS =
  process.env.CONSOLE_SCREENSHOTS ?? fileURLToPath(new URL('../../test-results/console-screenshots/', import.meta.url))
export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

/**
 * Starts Chromium: headless, and without the background connections (updates, sync, field
 * trials) that this closed network refuses. Playwright gives each launch a fresh temporary
 * user-data-dir.
 */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A new browser context (its own cookies) with one page at the desktop size. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: DESKTOP })
  const page = await context.newPage()
  page.on('pageerror', (err) => {
    throw new Error(`a script error in the console page: ${err.message}`)
  })
  return page
}

/**
 * Runs axe-core in the page (injected through the DevTools protocol, which the page's CSP does
 * not govern) and fails on any serious or critical violation.
 */
export async function assertAccessible(page, where) {
  await page.evaluate(AXE_SOURCE)
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  )
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `accessibility violations on ${where}`,
  )
  return result.violations.length
}

/**
 * Checks the page with axe and saves `name`-desktop.png and `name`-phone.png (the page is
 * checked at both sizes: the phone layout is a different one, which must fit the screen's width).
 */
export async function checkPage(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.setViewportSize(DESKTOP)
  await assertAccessible(page, `${name} at 1280×800`)
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true })
  await page.setViewportSize(PHONE)
  // Nothing wider than the phone: the page scrolls down, never sideways.
  const width = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(document.documentElement.scrollWidth))))
  assert.ok(width <= PHONE.width, `${name} is ${width}px wide on a ${PHONE.width}px screen`)
  await assertAccessible(page, `${name} at 390×844`)
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-phone.png`), fullPage: true })
  await page.setViewportSize(DESKTOP)
}

/** Signs in on the console's sign-in page with `apiKey`; waits for the signed-in layout. */
export async function signIn(page, base, apiKey) {
  await page.goto(`${base}/console/`)
  await page.getByLabel('API key').fill(apiKey)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('navigation', { name: 'Console' }).waitFor()
}

/** A rejection handler that saves the page as failed-`name`.png beside the others, then rethrows. */
export function failureShot(page, name) {
  return async (err) => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: path.join(SCREENSHOTS, `failed-${name}.png`), fullPage: true }).catch(() => {})
    throw err
  }
}
