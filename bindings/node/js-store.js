'use strict'
// The reference JavaScript store for `new AccountManager(client, store, { sealingKey })`.
//
// It keeps everything in Maps, so it is what `memory:` is, written in JavaScript: use it in
// tests, and copy it onto your own database (each method says what the SQL does). It passes the
// crate's whole store conformance suite (`runStoreConformanceCase`, __test__/js_store.test.mjs).
//
// The contract (also typed as `JsStore` in index.d.ts):
// - Every method may be `async` (return a Promise) or return its value directly.
// - Records are plain objects with camelCase keys. Times are UTC RFC 3339 strings with exactly
//   six fractional digits (`2026-02-10T12:00:00.000000Z`): keep the string you are given (or a
//   microsecond-precision column; a JS `Date` keeps only milliseconds), and compare two times
//   by comparing the strings. Missing values are `null`.
// - The Rust side validates every argument (no empty ids, limits between 1 and 500), computes
//   every time it needs (`now`, lease ends), removes repeated ids, and seals token secrets
//   (`token.sealed` is AES-256-GCM ciphertext: this store never sees a plaintext token).
// - The expected outcomes are return values: `putToken` returns `null` when the record's id
//   belongs to another subject, `putState` `false` for an existing state, `insertJob` `null`
//   when the job id belongs to another idempotency key, `updateJob` `false` for a missing job.
//   Throw (or reject) only when the storage itself fails: the caller gets a `StoreError` naming
//   the method.
// - Tenant scoping: every method that takes `company` reads and writes only that company's rows.
// - Atomicity: each method must be atomic with respect to the others. Here that holds because
//   no method awaits between its reads and its writes (Node runs one at a time); on a database,
//   use one statement or a transaction (`takeState`: `DELETE ... RETURNING`; `claimDueJobs`:
//   `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING`).

const TERMINAL = new Set(['published', 'failed', 'cancelled'])

/** The most OAuth states one company keeps (the crate's MAX_OAUTH_STATES_PER_COMPANY). */
const MAX_STATES_PER_COMPANY = 1000

/** Compares strings by code point, as Rust and SQL `COLLATE "C"` do (not by UTF-16 unit). */
function compareText(a, b) {
  if (a === b) return 0
  const x = a[Symbol.iterator]()
  const y = b[Symbol.iterator]()
  for (;;) {
    const p = x.next()
    const q = y.next()
    if (p.done) return q.done ? 0 : -1
    if (q.done) return 1
    const cp = p.value.codePointAt(0)
    const cq = q.value.codePointAt(0)
    if (cp !== cq) return cp < cq ? -1 : 1
  }
}

/** Orders values with `null` smallest; strings by code point, numbers numerically. */
function compareValues(a, b) {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1
  if (b === null || b === undefined) return 1
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  return compareText(String(a), String(b))
}

/** The Unicode lower case the search and the username/name sorts compare (Rust's folding). */
function fold(text) {
  return text === null || text === undefined ? null : text.toLowerCase()
}

const key = (company, id) => `${company.length}:${company}/${id}`
const copy = (record) => structuredClone(record)

class MemoryJsStore {
  constructor() {
    /** @type {Map<string, object>} tokens by (company, id) */
    this.tokens = new Map()
    /** @type {Map<string, object>} accounts by (company, igUserId) */
    this.accounts = new Map()
    /** @type {Map<string, object>} OAuth states by state */
    this.states = new Map()
    /** @type {Map<string, object>} jobs by (company, id) */
    this.jobs = new Map()
  }

  // ---- tokens -------------------------------------------------------------------------------

  /** Upserts by (company, kind, login, subjectId), keeping an existing row's id and createdAt.
   * Returns the stored id, or null when `token.id` is another subject's (a conflict). */
  async putToken(token) {
    for (const t of this.tokens.values()) {
      if (
        t.company === token.company &&
        t.kind === token.kind &&
        t.login === token.login &&
        t.subjectId === token.subjectId
      ) {
        this.tokens.set(key(t.company, t.id), { ...copy(token), id: t.id, createdAt: t.createdAt })
        return t.id
      }
    }
    if (this.tokens.has(key(token.company, token.id))) return null
    this.tokens.set(key(token.company, token.id), copy(token))
    return token.id
  }

  async getToken(company, id) {
    const t = this.tokens.get(key(company, id))
    return t ? copy(t) : null
  }

  async findToken(company, kind, login, subjectId) {
    for (const t of this.tokens.values()) {
      if (t.company === company && t.kind === kind && t.login === login && t.subjectId === subjectId) {
        return copy(t)
      }
    }
    return null
  }

  /** Oldest first (createdAt, then id). */
  async listTokens(company) {
    return [...this.tokens.values()]
      .filter((t) => t.company === company)
      .sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id))
      .map(copy)
  }

  /** Tokens with `expiresAt < before` (strictly; none without expiry), soonest first. */
  async tokensExpiringBefore(company, before) {
    return [...this.tokens.values()]
      .filter((t) => t.company === company && t.expiresAt !== null && t.expiresAt < before)
      .sort((a, b) => compareText(a.expiresAt, b.expiresAt) || compareText(a.id, b.id))
      .map(copy)
  }

  async setTokenValid(company, id, valid, now) {
    const t = this.tokens.get(key(company, id))
    if (!t) return false
    t.valid = valid
    t.updatedAt = now
    return true
  }

  async deleteToken(company, id) {
    return this.tokens.delete(key(company, id))
  }

  // Optional (key rotation, `Store.resealTokens`); a store without them cannot re-seal.

  /** Tokens of every company whose `sealed` does not start with `prefix`, ordered by
   * (company, id) by code point, strictly after the cursor `after` ({ company, id } or null),
   * at most `limit`. */
  async tokensSealedWithoutKey(prefix, after, limit) {
    const byKey = (a, b) => compareText(a.company, b.company) || compareText(a.id, b.id)
    return [...this.tokens.values()]
      .filter((t) => !t.sealed.startsWith(prefix) && (after === null || byKey(t, after) > 0))
      .sort(byKey)
      .slice(0, limit)
      .map(copy)
  }

  /** Replaces `sealed` if it is still `expected` (compare and swap); nothing else changes. */
  async replaceSealed(company, id, expected, sealed) {
    const t = this.tokens.get(key(company, id))
    if (!t || t.sealed !== expected) return false
    t.sealed = sealed
    return true
  }

  // ---- accounts -----------------------------------------------------------------------------

  /** In order: a new account is inserted (not added, unassigned, createdAt = updatedAt = now);
   * an existing one (or a repeat in the batch) is counted as ignored and gets its non-null
   * username, name, profilePictureUrl, followersCount, accountType and tokenId refreshed. */
  async upsertAccounts(company, accounts, now) {
    let inserted = 0
    let ignored = 0
    for (const a of accounts) {
      const row = this.accounts.get(key(company, a.igUserId))
      if (row) {
        for (const field of ['username', 'name', 'profilePictureUrl', 'followersCount', 'accountType', 'tokenId']) {
          if (a[field] !== null && a[field] !== undefined) row[field] = a[field]
        }
        row.updatedAt = now
        ignored++
      } else {
        this.accounts.set(key(company, a.igUserId), {
          ...copy(a),
          company,
          isAdded: false,
          assignedClientId: null,
          createdAt: now,
          updatedAt: now,
        })
        inserted++
      }
    }
    return { inserted, ignored }
  }

  async getAccount(company, igUserId) {
    const a = this.accounts.get(key(company, igUserId))
    return a ? copy(a) : null
  }

  /** `query`: { search (already lower-cased, or null), isAdded, assigned, clientId,
   * facebookUserId (each null when off), sort: { field, descending }, offset, limit }.
   * `sort.field` is the record key to order by; username and name compare lower-cased; nulls
   * are smallest; ties go by igUserId ascending. Returns { items, total }. */
  async queryAccounts(company, query) {
    const hit = (v) => v !== null && v !== undefined && fold(v).includes(query.search)
    const rows = [...this.accounts.values()].filter(
      (a) =>
        a.company === company &&
        (query.search === null || hit(a.username) || hit(a.name)) &&
        (query.isAdded === null || a.isAdded === query.isAdded) &&
        (query.assigned === null || (a.assignedClientId !== null) === query.assigned) &&
        (query.clientId === null || a.assignedClientId === query.clientId) &&
        (query.facebookUserId === null || a.facebookUserId === query.facebookUserId),
    )
    const { field, descending } = query.sort
    const textual = field === 'username' || field === 'name'
    rows.sort((a, b) => {
      const primary = textual ? compareValues(fold(a[field]), fold(b[field])) : compareValues(a[field], b[field])
      return (descending ? -primary : primary) || compareText(a.igUserId, b.igUserId)
    })
    return { items: rows.slice(query.offset, query.offset + query.limit).map(copy), total: rows.length }
  }

  /** Returns how many rows changed (already in that state does not count). */
  async setAdded(company, igUserIds, added, now) {
    let changed = 0
    for (const id of igUserIds) {
      const a = this.accounts.get(key(company, id))
      if (a && a.isAdded !== added) {
        a.isAdded = added
        a.updatedAt = now
        changed++
      }
    }
    return changed
  }

  /** Assigns to `clientId`, or unassigns with null. Returns how many rows changed. */
  async assignClient(company, clientId, igUserIds, now) {
    let changed = 0
    for (const id of igUserIds) {
      const a = this.accounts.get(key(company, id))
      if (a && a.assignedClientId !== clientId) {
        a.assignedClientId = clientId
        a.updatedAt = now
        changed++
      }
    }
    return changed
  }

  async removeAccount(company, igUserId) {
    return this.accounts.delete(key(company, igUserId))
  }

  /** Deletes the user's rows except those whose `tokenId` is in `keepTokenIds` (tokens of
   * another connection, chosen by the Rust side). SQL: `DELETE ... WHERE company = $1 AND
   * facebook_user_id = $2 AND (token_id IS NULL OR NOT token_id = ANY($3))`. */
  async removeAccountsOfUser(company, facebookUserId, keepTokenIds) {
    const keep = new Set(keepTokenIds)
    let removed = 0
    for (const [k, a] of this.accounts) {
      if (a.company === company && a.facebookUserId === facebookUserId && !(a.tokenId !== null && keep.has(a.tokenId))) {
        this.accounts.delete(k)
        removed++
      }
    }
    return removed
  }

  // ---- OAuth states (not tenant-scoped: the callback learns the company from the state) ------

  /** Returns false when the state exists already (the first one is kept). Keeps at most
   * MAX_STATES_PER_COMPANY states per company: beyond that, the company's oldest (createdAt, then
   * state) are deleted. */
  async putState(state) {
    if (this.states.has(state.state)) return false
    this.states.set(state.state, copy(state))
    const mine = [...this.states.values()]
      .filter((s) => s.company === state.company)
      .sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.state, b.state))
    for (const old of mine.slice(0, Math.max(0, mine.length - MAX_STATES_PER_COMPANY))) {
      this.states.delete(old.state)
    }
    return true
  }

  /** Removes and returns the state: of concurrent takers exactly one gets it. */
  async takeState(state) {
    const s = this.states.get(state)
    if (!s) return null
    this.states.delete(state)
    return s
  }

  /** Deletes the states with `expiresAt <= now`, of every company. Returns how many. */
  async purgeExpiredStates(now) {
    let purged = 0
    for (const [k, s] of this.states) {
      if (s.expiresAt <= now) {
        this.states.delete(k)
        purged++
      }
    }
    return purged
  }

  // ---- jobs ---------------------------------------------------------------------------------

  /** Returns { inserted: true, job } for a new job, { inserted: false, job: existing } when the
   * company has a job with that idempotencyKey already, and null when the id is another key's. */
  async insertJob(job) {
    for (const j of this.jobs.values()) {
      if (j.company === job.company && j.idempotencyKey === job.idempotencyKey) {
        return { inserted: false, job: copy(j) }
      }
    }
    if (this.jobs.has(key(job.company, job.id))) return null
    const stored = { ...copy(job), version: 0 }
    this.jobs.set(key(job.company, job.id), stored)
    return { inserted: true, job: copy(stored) }
  }

  async getJob(company, id) {
    const j = this.jobs.get(key(company, id))
    return j ? copy(j) : null
  }

  async findJobByKey(company, idempotencyKey) {
    for (const j of this.jobs.values()) {
      if (j.company === company && j.idempotencyKey === idempotencyKey) return copy(j)
    }
    return null
  }

  /** A compare-and-swap on `version`: when the stored job's version equals `job.version`,
   * replaces everything but company, id, igUserId, idempotencyKey and createdAt, sets version to
   * job.version + 1 and returns the stored job; when it differs, changes nothing and returns
   * null. Returns false when the company has no such job. */
  async updateJob(job) {
    const row = this.jobs.get(key(job.company, job.id))
    if (!row) return false
    if (row.version !== job.version) return null
    const { company, id, igUserId, idempotencyKey, createdAt } = row
    const stored = { ...copy(job), company, id, igUserId, idempotencyKey, createdAt, version: row.version + 1 }
    this.jobs.set(key(company, id), stored)
    return copy(stored)
  }

  /** Newest first (createdAt, then id, both descending), at most `query.limit`: only jobs in
   * `query.status` and of `query.igUserId` when those are not null, and only those strictly
   * before (query.beforeCreatedAt, query.beforeId) when given. */
  async listJobs(company, query) {
    const { status, igUserId, beforeCreatedAt, beforeId, limit } = query
    return [...this.jobs.values()]
      .filter(
        (j) =>
          j.company === company &&
          (status === null || j.status === status) &&
          (igUserId === null || j.igUserId === igUserId) &&
          (beforeCreatedAt === null ||
            compareText(j.createdAt, beforeCreatedAt) < 0 ||
            (j.createdAt === beforeCreatedAt && compareText(j.id, beforeId) < 0)),
      )
      .sort((a, b) => compareText(b.createdAt, a.createdAt) || compareText(b.id, a.id))
      .slice(0, limit)
      .map(copy)
  }

  /** Leases up to `limit` due jobs of every company to `worker` until `leaseExpiresAt`, in one
   * step. Due: not terminal, `scheduledAt` null or <= now, and no live lease (`leaseOwner` null
   * or `leaseExpiresAt <= now`). Order: scheduledAt (null first), createdAt, company, id.
   * Claiming sets leaseOwner, leaseExpiresAt, updatedAt = now and adds 1 to attempts and to
   * version. */
  async claimDueJobs(worker, now, leaseExpiresAt, limit) {
    const due = [...this.jobs.values()]
      .filter(
        (j) =>
          !TERMINAL.has(j.status) &&
          (j.scheduledAt === null || j.scheduledAt <= now) &&
          (j.leaseOwner === null || j.leaseExpiresAt === null || j.leaseExpiresAt <= now),
      )
      .sort(
        (a, b) =>
          compareValues(a.scheduledAt, b.scheduledAt) ||
          compareText(a.createdAt, b.createdAt) ||
          compareText(a.company, b.company) ||
          compareText(a.id, b.id),
      )
      .slice(0, limit)
    for (const j of due) {
      j.leaseOwner = worker
      j.leaseExpiresAt = leaseExpiresAt
      j.updatedAt = now
      j.attempts += 1
      j.version += 1
    }
    return due.map(copy)
  }

  /** Leases one job to `worker` whatever its schedule, if it is not terminal and no lease on it
   * is live (not even one held under the same worker name). Sets leaseOwner, leaseExpiresAt and
   * updatedAt and adds 1 to version; attempts stay. Returns the job, or null. */
  async acquireJob(company, id, worker, now, leaseExpiresAt) {
    const j = this.jobs.get(key(company, id))
    if (!j || TERMINAL.has(j.status)) return null
    const free = j.leaseOwner === null || j.leaseExpiresAt === null || j.leaseExpiresAt <= now
    if (!free) return null
    j.leaseOwner = worker
    j.leaseExpiresAt = leaseExpiresAt
    j.updatedAt = now
    j.version += 1
    return copy(j)
  }

  /** Moves the lease end to `until` if the job is still at `version` and leased. */
  async renewLease(company, id, version, until) {
    const j = this.jobs.get(key(company, id))
    if (!j || j.version !== version || j.leaseOwner === null) return false
    j.leaseExpiresAt = until
    return true
  }

  /** Drops the lease (adding 1 to version) if the job is still at `version` and leased. */
  async releaseJob(company, id, version) {
    const j = this.jobs.get(key(company, id))
    if (!j || j.version !== version || j.leaseOwner === null) return false
    j.leaseOwner = null
    j.leaseExpiresAt = null
    j.version += 1
    return true
  }
}

/** A fresh, empty reference store. */
function createMemoryJsStore() {
  return new MemoryJsStore()
}

module.exports = { MemoryJsStore, createMemoryJsStore, compareText }
