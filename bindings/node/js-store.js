'use strict'
// The reference store for `new AccountManager(client, store, { sealingKey })`: a key-value
// store in a Map. It passes the crate's whole store conformance suite
// (`runStoreConformanceCase`, __test__/js_store.test.mjs); copy it onto your own storage.
//
// The contract (typed as `JsKeyValueStore` in index.d.ts). The Rust core keeps every rule —
// what a row holds, tenant scoping, idempotency, leases, single-use OAuth states — and stores
// JSON text under string keys; a store only keeps strings. Each method may return a Promise.
// - get(key): the value, or null (or undefined) when the key is absent.
// - scan(prefix): [key, value] for every key that starts with `prefix`, in any order.
// - compareAndSwap(key, expected, next): if the value is `expected` (null: the key is absent),
//   set it to `next` (null: delete the key) and return true; otherwise change nothing and
//   return false.
// Each call must be atomic on its own; nothing spans two calls, so several processes may share
// one storage. Here every method is atomic because none awaits. On a database, with a table
// kv(key text primary key, value text):
//   get:            SELECT value FROM kv WHERE key = $1
//   scan:           SELECT key, value FROM kv WHERE substr(key, 1, length($1)) = $1
//   compareAndSwap: INSERT ... ON CONFLICT DO NOTHING when `expected` is null;
//                   UPDATE kv SET value = $3 WHERE key = $1 AND value = $2 when `next` is not;
//                   DELETE FROM kv WHERE key = $1 AND value = $2 when it is;
//                   true when one row changed.
// Values hold token secrets only sealed (AES-256-GCM) by the core: the store never sees a
// plaintext token. Listings scan a company's rows, so this suits app and host storage, not
// millions of rows. After a key rotation, `AccountManager.resealTokens()` seals stored tokens
// again with the new key (see the README).

/** The reference key-value store: everything in one Map. */
class MemoryJsStore {
  constructor() {
    this.entries = new Map()
  }

  async get(key) {
    return this.entries.get(key) ?? null
  }

  async scan(prefix) {
    return [...this.entries].filter(([key]) => key.startsWith(prefix))
  }

  async compareAndSwap(key, expected, next) {
    if ((this.entries.get(key) ?? null) !== expected) return false
    if (next === null) this.entries.delete(key)
    else this.entries.set(key, next)
    return true
  }
}

/** A fresh, empty `MemoryJsStore`. */
function createMemoryJsStore() {
  return new MemoryJsStore()
}

module.exports = { MemoryJsStore, createMemoryJsStore }
