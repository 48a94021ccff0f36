'use strict'
// Argument checks for the native classes and functions, derived once at load time from the
// generated index.d.ts (the same signatures the Rust side declares).
//
// napi's own conversion errors ("Failed to convert JavaScript value `Number 42 ` into rust type
// `String`") do not say which argument was wrong; these checks run first and throw a TypeError
// with `argument` set to the parameter's name. They check only what a type annotation decides
// cheaply — primitives, arrays (and arrays of primitives), functions, objects, Dates, buffers,
// `null`/`undefined` for optional parameters — and accept anything they cannot judge (indexed or
// generic types, unknown names), leaving the rest to the Rust side, which names its arguments.

const fs = require('node:fs')
const path = require('node:path')

/** Splits `text` at top-level occurrences of `sep` (outside (), <>, [], {} and quotes). */
function splitTop(text, sep) {
  const parts = []
  let depth = 0
  let quote = null
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === quote) quote = null
      continue
    }
    if (c === "'" || c === '"' || c === '`') quote = c
    else if ('(<[{'.includes(c)) depth++
    else if (')>]}'.includes(c) && !(c === '>' && text[i - 1] === '=')) depth--
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i).trim())
      start = i + sep.length
      i += sep.length - 1
    }
  }
  parts.push(text.slice(start).trim())
  return parts.filter((p) => p.length > 0)
}

/** Index of the `)` matching the `(` at `open`, or -1. */
function matching(text, open) {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++
    else if (text[i] === ')' && --depth === 0) return i
  }
  return -1
}

/** The parameters of a signature line whose `(` is at `open`, and whether it returns a Promise. */
function parseSignature(line, open) {
  const close = matching(line, open)
  if (close < open) return null
  const params = splitTop(line.slice(open + 1, close), ',').map((p) => {
    const m = /^([A-Za-z_$][\w$]*)(\?)?\s*:\s*([\s\S]+)$/.exec(p)
    return m ? { name: m[1], optional: Boolean(m[2]), type: m[3].trim() } : null
  })
  params.async = /^\s*:\s*Promise</.test(line.slice(close + 1))
  return params
}

/** Reads the signatures: `{ classes: { Name: { constructor, methods, statics } }, functions,
 * objects: Set of interface/class names, aliases: { Name: type } }`. */
function parseDts(text) {
  const out = { classes: {}, functions: {}, objects: new Set(), aliases: {} }
  const lines = text.split('\n')
  let current = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    let m
    if ((m = /^export (?:declare )?class (\w+)/.exec(line))) {
      out.objects.add(m[1])
      current = { constructor: null, methods: {}, statics: {} }
      out.classes[m[1]] = current
      continue
    }
    if ((m = /^export (?:declare )?interface (\w+)/.exec(line))) {
      out.objects.add(m[1])
      current = null
      continue
    }
    if ((m = /^export type (\w+)(?:<[^=]*>)?\s*=\s*(.*)$/.exec(line))) {
      // A multi-line alias continues on lines starting with `|` or deeper indentation.
      let rhs = m[2]
      while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1])) rhs += ' ' + lines[++i].trim()
      out.aliases[m[1]] = rhs.trim()
      current = null
      continue
    }
    if ((m = /^export declare function (\w+)\(/.exec(line))) {
      const params = parseSignature(line, line.indexOf('('))
      if (params) out.functions[m[1]] = params
      continue
    }
    if (line.startsWith('}')) {
      current = null
      continue
    }
    if (!current) continue
    if ((m = /^ {2}(static\s+)?(constructor|[A-Za-z_$][\w$]*)\(/.exec(line))) {
      const params = parseSignature(line, line.indexOf('(', m[0].length - 1))
      if (!params) continue
      if (m[2] === 'constructor') current.constructor = params
      else if (m[1]) current.statics[m[2]] = params
      else current.methods[m[2]] = params
    }
  }
  return out
}

const ANY = { test: () => true, label: 'any' }

/** Builds `{ test(value) → bool, label }` for a type annotation. */
function checker(type, dts, depth = 0) {
  type = type.trim()
  if (depth > 8) return ANY
  const alts = splitTop(type, '|')
  if (alts.length > 1) {
    const each = alts.map((a) => checker(a, dts, depth + 1))
    if (each.some((c) => c === ANY)) return ANY
    return { test: (v) => each.some((c) => c.test(v)), label: each.map((c) => c.label).join(' | ') }
  }
  if (type.startsWith('(') && type.endsWith(')') && matching(type, 0) === type.length - 1) {
    return checker(type.slice(1, -1), dts, depth + 1)
  }
  if (/^\(.*\)\s*=>/.test(type)) return { test: (v) => typeof v === 'function', label: 'function' }
  switch (type) {
    case 'string':
      return { test: (v) => typeof v === 'string', label: 'string' }
    case 'number':
      return { test: (v) => typeof v === 'number', label: 'number' }
    case 'boolean':
      return { test: (v) => typeof v === 'boolean', label: 'boolean' }
    case 'undefined':
    case 'void':
      return { test: (v) => v === undefined, label: 'undefined' }
    case 'null':
      return { test: (v) => v === null, label: 'null' }
    case 'bigint':
      return { test: (v) => typeof v === 'bigint', label: 'bigint' }
    case 'Date':
      return { test: (v) => v instanceof Date, label: 'Date' }
    case 'Buffer':
    case 'Uint8Array':
    case 'ArrayBuffer':
      return { test: (v) => ArrayBuffer.isView(v) || v instanceof ArrayBuffer, label: type }
    case 'object':
      return { test: (v) => typeof v === 'object' && v !== null, label: 'object' }
    default:
  }
  if (/^'.*'$|^".*"$/.test(type)) return { test: (v) => typeof v === 'string', label: 'string' }
  if (/^-?\d+(\.\d+)?$/.test(type)) return { test: (v) => typeof v === 'number', label: 'number' }
  if (type === 'true' || type === 'false') return { test: (v) => typeof v === 'boolean', label: 'boolean' }
  let m = /^Array<([\s\S]+)>$/.exec(type) || /^([\w$]+)\[\]$/.exec(type)
  if (m) {
    const item = checker(m[1], dts, depth + 1)
    const badIndex = (v) => (item === ANY ? -1 : v.findIndex((x) => !item.test(x)))
    return {
      test: (v) => Array.isArray(v) && badIndex(v) === -1,
      label: item === ANY ? 'array' : `array of ${item.label}`,
      item,
      badIndex,
    }
  }
  if (type.startsWith('{') || /^Record</.test(type)) {
    return { test: (v) => typeof v === 'object' && v !== null && !Array.isArray(v), label: 'object' }
  }
  if ((m = /^([A-Za-z_$][\w$]*)$/.exec(type))) {
    if (dts.aliases[type] !== undefined) return checker(dts.aliases[type], dts, depth + 1)
    if (dts.objects.has(type)) {
      return { test: (v) => typeof v === 'object' && v !== null && !Array.isArray(v), label: type }
    }
  }
  return ANY
}

function describe(v) {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (v instanceof Date) return 'a Date'
  const t = typeof v
  return t === 'object' ? 'an object' : t === 'undefined' ? 'undefined' : `a ${t}`
}

/** A function that checks an argument list against `params` and returns the TypeError (with
 * `argument` and `code: 'ERR_INVALID_ARG_TYPE'`) of the first bad argument, or `null`; the
 * function itself is `null` when there is nothing to check. `params.async` says whether the
 * method returns a Promise (its caller should then reject rather than throw). */
function argumentCheck(params, dts) {
  if (!params || params.some((p) => p === null)) return null
  const checks = params.map((p) => {
    const c = checker(p.type, dts)
    return { name: p.name, optional: p.optional, check: c, type: p.type }
  })
  if (checks.every((c) => c.check === ANY)) return null
  return function check(args, what) {
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i]
      const v = args[i]
      if (c.optional && (v === undefined || v === null)) continue
      if (c.check.test(v)) continue
      // A bad element of an array names the element, as the Rust side does (`ids[2]`).
      const at = c.check.badIndex && Array.isArray(v) ? c.check.badIndex(v) : -1
      const argument = at === -1 ? c.name : `${c.name}[${at}]`
      const expected = at === -1 ? c.check.label : c.check.item.label
      const e = new TypeError(
        `${what}: invalid argument \`${argument}\`: expected ${expected}, got ${describe(at === -1 ? v : v[at])}`,
      )
      e.code = 'ERR_INVALID_ARG_TYPE'
      e.argument = argument
      return e
    }
    return null
  }
}

/** Loads index.d.ts next to this file; an unreadable file means no checks (napi still checks). */
function loadSignatures() {
  try {
    return parseDts(fs.readFileSync(path.join(__dirname, 'index.d.ts'), 'utf8'))
  } catch {
    return { classes: {}, functions: {}, objects: new Set(), aliases: {} }
  }
}

module.exports = { loadSignatures, parseDts, argumentCheck, checker, splitTop }
