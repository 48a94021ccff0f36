// The README's route tables are the service's map: every route the app serves is in one, no
// row names a route the app does not serve, and every row names the tests that cover it, each
// of which exists.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { startBackend, routesOf } from './support.mjs'

let t
before(async () => {
  t = await startBackend()
})
after(async () => {
  await t?.stop()
})

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** A route as a key: parameter names left out (`GET /instagram/media/:`, `GET /console/*`). */
const key = (method, path) => `${method} ${path.replace(/:[A-Za-z]+/g, ':').replace(/\*[A-Za-z]+/g, '*')}`

/** The rows of every table whose last column is headed "Tests": `{ line, routes, tests }`. */
function routeRows(text) {
  const rows = []
  let inTable = false
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.startsWith('|')) {
      inTable = false
      continue
    }
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim())
    if (/^Tests\b/.test(cells.at(-1))) {
      inTable = true
      continue
    }
    if (!inTable || /^-+$/.test(cells[0])) continue
    const routes = [...cells[0].matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`/g)].map((m) => key(m[1], m[2]))
    const tests = [...cells.at(-1).matchAll(/`([\w/]+)` “([^”]+)”/g)].map((m) => ({ file: m[1], name: m[2].replace(/\\\|/g, '|') }))
    rows.push({ line: i + 1, text: cells[0], routes, tests })
  }
  return rows
}

/** The names of the tests of `test/<file>.test.mjs` (`test('…'` at the start of a line). */
function testNames(file) {
  const source = readFileSync(new URL(`./${file}.test.mjs`, import.meta.url), 'utf8')
  return [...source.matchAll(/^test\((['`])((?:\\.|(?!\1).)*)\1/gm)].map((m) => m[2].replace(/\\(.)/g, '$1'))
}

test('the README lists every route the app serves, and only those', () => {
  const rows = routeRows(README)
  assert.ok(rows.length >= 60, `${rows.length} route rows found`)
  for (const row of rows) assert.ok(row.routes.length > 0, `README line ${row.line} names no route: ${row.text}`)
  const listed = new Set(rows.flatMap((r) => r.routes))
  const served = new Set(routesOf(t.app).map(([method, path]) => key(method, path)))
  assert.deepEqual([...served].filter((r) => !listed.has(r)).sort(), [], 'served routes missing from the README')
  assert.deepEqual([...listed].filter((r) => !served.has(r)).sort(), [], 'README routes the app does not serve')
})

test('every route row names its tests, and each exists', () => {
  const names = new Map()
  const problems = []
  for (const row of routeRows(README)) {
    if (row.tests.length === 0) problems.push(`line ${row.line} (${row.text}) names no test as \`file\` “name”`)
    for (const { file, name } of row.tests) {
      if (!names.has(file)) names.set(file, testNames(file))
      const found = name.endsWith('…')
        ? names.get(file).some((n) => n.startsWith(name.slice(0, -1)))
        : names.get(file).includes(name)
      if (!found) problems.push(`line ${row.line}: no test “${name}” in test/${file}.test.mjs`)
    }
  }
  assert.deepEqual(problems, [], 'README route rows')
})
