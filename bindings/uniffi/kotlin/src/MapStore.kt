// A Kotlin-implemented store: what an Android app writes over its own storage (here one map; on
// a device, e.g. EncryptedSharedPreferences / Room, see the README). Every method is atomic on
// its own (synchronized); the SDK keeps every other rule in Rust.

import uniffi.instagraph.ForeignStore
import uniffi.instagraph.KeyValue

class MapStore : ForeignStore {
    val rows = mutableMapOf<String, String>()
    @Volatile var calls = 0

    @Synchronized
    override fun get(key: String): String? {
        calls++
        return rows[key]
    }

    @Synchronized
    override fun scan(prefix: String): List<KeyValue> {
        calls++
        return rows.filterKeys { it.startsWith(prefix) }.map { (k, v) -> KeyValue(k, v) }
    }

    @Synchronized
    override fun compareAndSwap(key: String, expected: String?, next: String?): Boolean {
        calls++
        if (rows[key] != expected) return false
        if (next == null) rows.remove(key) else rows[key] = next
        return true
    }

    /** The values under `prefix` (the core's layout: `tokens/`, `accounts/`, `jobs/`...). */
    @Synchronized
    fun values(prefix: String): List<String> =
        rows.filterKeys { it.startsWith(prefix) }.values.toList()
}
