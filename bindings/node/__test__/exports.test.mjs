// Every export of the package is exercised by some test: a static check that each class member,
// static, getter, function and error class of index.d.ts / errors.js / js-store.js is referenced
// by name in __test__/ (and that index.d.ts lists everything index.js exports), plus tests against
// the sandbox for the members that had none (`Client.fromEnv`, `HttpError`, `DecodeError`,
// `PublishError`, and every `MemoryJsStore` method as the conformance suite calls it).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ig, packageModule, PACKAGE_DIR } from './package.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const REDIRECT = 'https://agency.example/instagram/oauth2callback'

// Members that no test can exercise, with the reason. Keep it empty: add an entry only with a
// comment saying why the member cannot be called from a test.
const NOT_EXERCISABLE = new Set([])

// ---- the static check ------------------------------------------------------------------------

/** The classes of index.d.ts: `{ Name: [{ name, kind: 'constructor'|'static'|'getter'|'method' }] }`,
 * and the declared functions. */
function declared() {
  const classes = {}
  const functions = []
  let current = null
  for (const line of readFileSync(join(PACKAGE_DIR, 'index.d.ts'), 'utf8').split('\n')) {
    let m
    if ((m = /^export (?:declare )?class (\w+)/.exec(line))) {
      current = classes[m[1]] = []
      continue
    }
    if ((m = /^export declare function (\w+)\s*[(<]/.exec(line))) functions.push(m[1])
    if (/^export /.test(line) || line.startsWith('}')) {
      current = null
      continue
    }
    if (!current) continue
    m = /^ {2}(static\s+)?(get\s+|set\s+)?([A-Za-z_$][\w$]*)\s*\(/.exec(line)
    if (m) {
      const kind = m[3] === 'constructor' ? 'constructor' : m[1] ? 'static' : m[2] ? 'getter' : 'method'
      current.push({ name: m[3], kind })
    } else if (/^ {2}[^\s/*]/.test(line)) {
      // A member line this parser does not understand would silently escape the check.
      throw new Error(`index.d.ts: unparsed class member line: ${line}`)
    }
  }
  return { classes, functions }
}

/** The test sources (this file included), without comments, by file name. */
function sources() {
  return readdirSync(HERE)
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => {
      const text = readFileSync(join(HERE, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '')
      return { file: f, text }
    })
}

const escape = (s) => s.replace(/[$]/g, '\\$')

/** Whether some test source references `member` of `className` in the way its kind is used. */
function referenced(srcs, className, { name, kind }) {
  const cls = escape(className)
  const n = escape(name)
  const mentionsClass = new RegExp(`\\b${cls}\\b`)
  let use
  if (kind === 'constructor') use = new RegExp(`new\\s+(?:[\\w$]+\\.)?${cls}\\s*\\(`)
  else if (kind === 'static') use = new RegExp(`\\b${cls}\\.${n}\\b`)
  else if (kind === 'getter') use = new RegExp(`\\.${n}\\b(?!\\s*\\()`)
  else use = new RegExp(`\\.${n}\\s*\\(`)
  return srcs.some(({ text }) => use.test(text) && (kind === 'constructor' || kind === 'static' || mentionsClass.test(text)))
}

test('index.d.ts declares every export of index.js, and every runtime member', () => {
  const { classes, functions } = declared()
  const errorNames = Object.keys(packageModule('errors.js')).filter((k) => /Error$/.test(k))
  const jsStoreNames = ['MemoryJsStore', 'createMemoryJsStore']
  for (const key of Object.keys(ig)) {
    // binding.js's own marker of the platform it loaded (a string, not an API).
    if (key === '__napiBindingTarget' && typeof ig[key] === 'string') continue
    const known = key in classes || functions.includes(key) || errorNames.includes(key) || jsStoreNames.includes(key)
    assert.ok(known, `index.js exports ${key}, which index.d.ts / errors.js do not declare`)
  }
  for (const name of [...Object.keys(classes), ...functions, ...errorNames]) {
    assert.equal(typeof ig[name], 'function', `${name} is declared but not exported`)
  }
  // The parser above must see every member the runtime classes have.
  for (const [name, members] of Object.entries(classes)) {
    const Class = ig[name]
    const protoKeys = Object.getOwnPropertyNames(Class.prototype).filter((k) => k !== 'constructor')
    for (const key of protoKeys) {
      assert.ok(
        members.some((m) => m.name === key && (m.kind === 'method' || m.kind === 'getter')),
        `${name}.prototype.${key} exists at runtime but index.d.ts does not declare it`,
      )
    }
    const staticKeys = Object.getOwnPropertyNames(Class).filter((k) => !['length', 'name', 'prototype', 'arguments', 'caller'].includes(k))
    for (const key of staticKeys) {
      assert.ok(
        members.some((m) => m.name === key && m.kind === 'static'),
        `${name}.${key} exists at runtime but index.d.ts does not declare it static`,
      )
    }
    for (const m of members) {
      if (m.kind === 'static') assert.equal(typeof Class[m.name], 'function', `${name}.${m.name}`)
      if (m.kind === 'method') assert.equal(typeof Class.prototype[m.name], 'function', `${name}.${m.name}`)
      if (m.kind === 'getter') {
        const d = Object.getOwnPropertyDescriptor(Class.prototype, m.name)
        assert.equal(typeof d?.get, 'function', `${name}.${m.name} is not a getter`)
      }
    }
  }
})

test('the argument table build.rs derives from the Rust declarations matches index.d.ts', () => {
  const table = JSON.parse(packageModule('binding.js').__argumentTable())
  const dts = readFileSync(join(PACKAGE_DIR, 'index.d.ts'), 'utf8')
  // `name(a: T, b?: U): R` lines of the generated classes and functions: their parameter names.
  const names = (line) => {
    const open = line.indexOf('(')
    const close = line.lastIndexOf('): ') === -1 ? line.lastIndexOf(')') : line.lastIndexOf('): ')
    return [...line.slice(open + 1, close).matchAll(/(?:^|,\s*)([A-Za-z_$][\w$]*)\??:/g)].map((m) => m[1])
  }
  const { classes, functions } = declared()
  let checked = 0
  let current = null
  for (const line of dts.split('\n')) {
    let m
    if ((m = /^export declare class (\w+)/.exec(line))) current = m[1] === 'MemoryJsStore' ? null : m[1]
    else if ((m = /^export declare function (\w+)\(/.exec(line)) && m[1] !== 'createMemoryJsStore') {
      assert.deepEqual(table.functions[m[1]]?.params.map((p) => p.name), names(line), m[1])
      checked++
    } else if (line.startsWith('}')) current = null
    else if (current && (m = /^ {2}(static\s+)?(constructor|[A-Za-z_$][\w$]*)\(/.exec(line))) {
      const cls = table.classes[current]
      const entry = m[2] === 'constructor' ? cls?.constructor : (m[1] ? cls?.statics : cls?.methods)?.[m[2]]
      assert.deepEqual(entry?.params.map((p) => p.name), names(line), `${current}.${m[2]}`)
      checked++
    }
  }
  const declaredCount = Object.entries(classes)
    .filter(([name]) => name !== 'MemoryJsStore')
    .flatMap(([, members]) => members.filter((mm) => mm.kind !== 'getter')).length
  assert.equal(checked, declaredCount + functions.filter((f) => f !== 'createMemoryJsStore').length)
  // The kinds are the Rust types': a class instance, an array of strings, an optional object.
  const add = table.classes.AccountManager.methods.add
  assert.deepEqual(add.params[1], { name: 'igUserIds', optional: false, kind: { array: 'string' } })
  assert.equal(add.rejects, true)
  assert.deepEqual(table.classes.Batch.constructor.params[0].kind, { instance: 'AccountManager' })
  assert.deepEqual(table.classes.AccountManager.methods.accounts.params[1].kind, { optional: { object: 'AccountListOptions' } })
})

test('every type index.d.ts refers to is declared (the ts_type / ts_return_type names of src/)', () => {
  const dts = readFileSync(join(PACKAGE_DIR, 'index.d.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/'[^'\n]*'/g, "''")
  const declaredNames = new Set([...dts.matchAll(/^(?:export )?(?:declare )?(?:interface|type|class|const|function|enum) (\w+)/gm)].map((m) => m[1]))
  for (const name of Object.keys(packageModule('errors.js'))) declaredNames.add(name)
  const builtins = new Set(['Promise', 'Array', 'Record', 'Date', 'Buffer', 'Uint8Array', 'ArrayBuffer', 'Error', 'Partial', 'Omit', 'T'])
  const used = new Set([...dts.matchAll(/[:<|,(]\s*([A-Z]\w*)(?=[\s<>\[\]|,);]|$)/gm)].map((m) => m[1]))
  const unknown = [...used].filter((n) => !declaredNames.has(n) && !builtins.has(n))
  assert.deepEqual(unknown, [], 'names index.d.ts uses but does not declare')
})

test('every exported class member, static, getter, function and error class is used by a test', () => {
  const { classes, functions } = declared()
  const srcs = sources()
  const missing = []
  for (const [className, members] of Object.entries(classes)) {
    for (const member of members) {
      const label = `${className}.${member.kind === 'constructor' ? 'constructor' : member.name}`
      if (NOT_EXERCISABLE.has(label)) continue
      // The JsStore methods are called by the Rust side, never by name: the next test checks
      // that the conformance run calls each of them.
      if (className === 'MemoryJsStore' && member.kind === 'method') continue
      if (!referenced(srcs, className, member)) missing.push(`${label} (${member.kind})`)
    }
  }
  for (const name of functions) {
    if (!srcs.some(({ text }) => new RegExp(`\\b${escape(name)}\\s*\\(`).test(text))) missing.push(`${name}()`)
  }
  for (const name of Object.keys(packageModule('errors.js')).filter((k) => /Error$/.test(k))) {
    if (!srcs.some(({ text }) => new RegExp(`\\b${name}\\b`).test(text))) missing.push(name)
  }
  // The error properties a caller reads (`code`, `subcode`, `fbtraceId`, ...).
  const props = Object.keys(new ig.InstagraphError('probe')).filter((k) => k !== 'name')
  assert.ok(props.includes('fbtraceId') && props.includes('userTitle'), props.join())
  for (const prop of [...props, 'argument']) {
    if (!srcs.some(({ text }) => new RegExp(`\\.${prop}\\b`).test(text))) missing.push(`error.${prop}`)
  }
  assert.deepEqual(missing, [], `exports no test references:\n${missing.join('\n')}`)
})

test('the conformance run calls every MemoryJsStore method, and every case passes', async () => {
  const called = new Set()
  const { classes } = declared()
  const declaredMethods = classes.MemoryJsStore.filter((m) => m.kind === 'method').map((m) => m.name)
  const makeStore = () =>
    new Proxy(ig.createMemoryJsStore(), {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver)
        if (typeof value !== 'function' || typeof key !== 'string') return value
        return (...args) => {
          called.add(key)
          return value.apply(target, args)
        }
      },
    })
  const cases = ig.storeConformanceCases()
  assert.ok(cases.length >= 40, `${cases.length} cases`)
  const failed = []
  for (const name of cases) {
    const outcome = await ig.runStoreConformanceCase(name, makeStore)
    assert.equal(outcome.name, name)
    if (!outcome.passed) failed.push(`${name}: ${outcome.failure}`)
  }
  assert.deepEqual(failed, [])
  const runtime = Object.getOwnPropertyNames(ig.MemoryJsStore.prototype).filter((k) => k !== 'constructor')
  assert.deepEqual([...runtime].sort(), [...declaredMethods].sort(), 'js-store.js and index.d.ts disagree')
  assert.deepEqual(declaredMethods.filter((m) => !called.has(m)), [], 'methods the conformance suite never calls')
  assert.ok(ig.createMemoryJsStore() instanceof ig.MemoryJsStore)
})

// ---- the members that had no test, against the sandbox ----------------------------------------

let sandbox

before(async () => {
  sandbox = await ig.Sandbox.start()
})

after(async () => {
  await sandbox?.stop()
})

const ENV_KEYS = [
  'INSTAGRAM_APP_ID',
  'FACEBOOK_APP_ID',
  'INSTAGRAM_APP_SECRET',
  'FACEBOOK_APP_SECRET',
  'INSTAGRAM_API_VERSION',
  'INSTAGRAM_MODE',
  'INSTAGRAM_SANDBOX_URL',
  'INSTAGRAM_REDIRECT_URI',
  'INSTAGRAM_ALLOWED_REDIRECT_URIS',
  'INSTAGRAM_SCOPES',
]

/** Runs `body` with the `INSTAGRAM_*` variables set to `vars` only, restoring them after. */
async function withEnv(vars, body) {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]))
  for (const k of ENV_KEYS) delete process.env[k]
  Object.assign(process.env, vars)
  try {
    return await body()
  } finally {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  }
}

const sandboxEnv = () => ({
  INSTAGRAM_APP_ID: sandbox.appId,
  INSTAGRAM_APP_SECRET: sandbox.appSecret,
  INSTAGRAM_MODE: 'sandbox',
  INSTAGRAM_SANDBOX_URL: sandbox.baseUrl,
  INSTAGRAM_REDIRECT_URI: REDIRECT,
})

test('Client.fromEnv refuses a missing or bad variable with a ConfigError naming it', async () => {
  const refuses = (vars, field, pattern) =>
    withEnv(vars, () =>
      assert.throws(
        () => ig.Client.fromEnv(),
        (e) => {
          assert.ok(e instanceof ig.ConfigError, `${e.name}: ${e.message}`)
          assert.ok(e instanceof ig.InstagraphError)
          assert.equal(e.code, 'CONFIG')
          assert.equal(e.field, field)
          assert.match(e.message, /Client\.fromEnv failed/)
          assert.match(e.message, pattern)
          return true
        },
      ),
    )
  await refuses({}, 'INSTAGRAM_APP_ID', /not set/)
  await refuses({ ...sandboxEnv(), INSTAGRAM_MODE: 'staging' }, 'INSTAGRAM_MODE', /"staging"/)
  const { INSTAGRAM_SANDBOX_URL, ...noUrl } = sandboxEnv()
  assert.ok(INSTAGRAM_SANDBOX_URL.startsWith('http://127.0.0.1:'))
  await refuses(noUrl, 'INSTAGRAM_SANDBOX_URL', /base URL/)
  // A secret in the environment never shows in the error.
  await withEnv({ ...sandboxEnv(), INSTAGRAM_MODE: 'staging' }, () =>
    assert.throws(() => ig.Client.fromEnv(), (e) => !e.message.includes(sandbox.appSecret)),
  )
})

// A napi factory static builds its instance through `this`: index.js must call it on the
// native class, not on its Proxy.
test('Client.fromEnv builds a client that works against the sandbox', async () => {
  await withEnv(sandboxEnv(), async () => {
    const client = ig.Client.fromEnv()
    assert.ok(client instanceof ig.Client)
    assert.equal(client.appId, sandbox.appId)
    const accounts = new ig.AccountManager(client, 'memory:')
    const start = await accounts.startConnect({ companyId: 'env-co' })
    assert.equal(start.redirectUri, REDIRECT)
    assert.ok(start.url.startsWith(sandbox.baseUrl), start.url)
    const callback = await sandbox.consent(start.url, sandbox.seedUsers[0].id, true)
    const connection = await accounts.finishConnect(callback)
    assert.equal(connection.userId, sandbox.seedUsers[0].id)
    assert.ok(connection.accounts.length > 0)
  })
})

test('a host that does not answer is an HttpError (transient), after the retries', async () => {
  const gone = await ig.Sandbox.start()
  const deadUrl = gone.baseUrl
  await gone.stop()
  const client = new ig.Client({
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    mode: 'sandbox',
    sandboxUrl: deadUrl,
    redirectUri: REDIRECT,
  })
  await assert.rejects(client.facebookLogin().exchangeCode('a-code', REDIRECT), (e) => {
    assert.ok(e instanceof ig.HttpError, `${e.name}: ${e.message}`)
    assert.ok(e instanceof ig.InstagraphError)
    assert.equal(e.name, 'HttpError')
    assert.equal(e.code, 'HTTP')
    assert.equal(e.errorClass, 'transient')
    assert.equal(e.subcode, null)
    assert.equal(e.fbtraceId, null)
    assert.equal(e.httpStatus, null)
    assert.match(e.message, /FacebookLogin\.exchangeCode failed/)
    assert.ok(!e.message.includes(sandbox.appSecret))
    return true
  })
})

test('an answer that is not the expected JSON is a DecodeError', async () => {
  // A local server in the sandbox's place that answers 200 with HTML.
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('<html>maintenance</html>')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const client = new ig.Client({
      appId: sandbox.appId,
      appSecret: sandbox.appSecret,
      mode: 'sandbox',
      sandboxUrl: `http://127.0.0.1:${server.address().port}`,
      redirectUri: REDIRECT,
    })
    await assert.rejects(client.facebookLogin().exchangeCode('a-code', REDIRECT), (e) => {
      assert.ok(e instanceof ig.DecodeError, `${e.name}: ${e.message}`)
      assert.ok(e instanceof ig.InstagraphError)
      assert.equal(e.code, 'DECODE')
      assert.equal(e.fbtraceId, null)
      assert.match(e.message, /FacebookLogin\.exchangeCode failed: could not decode/)
      return true
    })
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})

/** Alice's first account connected and added to a fresh `memory:` manager. */
async function connectedPublisher() {
  const client = new ig.Client({
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    mode: 'sandbox',
    sandboxUrl: sandbox.baseUrl,
    redirectUri: REDIRECT,
  })
  const accounts = new ig.AccountManager(client, 'memory:')
  const start = await accounts.startConnect({ companyId: 'acme' })
  const connection = await accounts.finishConnect(await sandbox.consent(start.url, sandbox.seedUsers[0].id, true))
  const igUserId = connection.accounts[0].igUserId
  assert.deepEqual(await accounts.add('acme', [igUserId]), { updated: 1, unknown: [] })
  return { publisher: new ig.Publisher(accounts), igUserId }
}

test('media Meta fails to process is a PublishError naming the media and the container', async () => {
  const { publisher, igUserId } = await connectedPublisher()
  const before = sandbox.publishedCount(igUserId)
  const url = 'https://images.example.com/too-large.jpg'
  const events = []
  await assert.rejects(publisher.publishImage('acme', igUserId, url, { onProgress: (e) => events.push(e.type) }), (e) => {
    assert.ok(e instanceof ig.PublishError, `${e.name}: ${e.message}`)
    assert.ok(e instanceof ig.InstagraphError)
    assert.equal(e.code, 'PUBLISH')
    assert.equal(e.errorClass, 'invalidInput')
    assert.match(e.message, /Publisher\.publishImage failed/)
    assert.ok(e.message.includes(url), e.message)
    assert.match(e.message, /2207004/)
    assert.match(e.message, /\[container \d+\]/)
    return true
  })
  assert.ok(events.includes('created'), events.join())
  assert.ok(!events.includes('published'), events.join())
  assert.equal(sandbox.publishedCount(igUserId), before)
})

// The subcode of a processing failure comes from the container's status, not from a Graph error.
test('a PublishError carries Meta subcode of the processing failure', async () => {
  const { publisher, igUserId } = await connectedPublisher()
  await assert.rejects(publisher.publishImage('acme', igUserId, 'https://images.example.com/too-large.jpg'), (e) => {
    assert.ok(e instanceof ig.PublishError, `${e.name}: ${e.message}`)
    assert.equal(e.subcode, 2207004)
    return true
  })
})
