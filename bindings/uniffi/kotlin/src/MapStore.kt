// A Kotlin-implemented store: what an Android app writes over its own storage (here maps; on a
// device, e.g. EncryptedSharedPreferences / Room, see the README). Every method is atomic on its
// own (synchronized); the SDK keeps every other rule in Rust.

import uniffi.instagraph.ForeignStore
import uniffi.instagraph.StoreCollection

class MapStore : ForeignStore {
    val rows: Map<StoreCollection, MutableMap<String, String>> =
        StoreCollection.values().associateWith { mutableMapOf<String, String>() }
    @Volatile var calls = 0

    @Synchronized
    override fun get(collection: StoreCollection, key: String): String? {
        calls++
        return rows.getValue(collection)[key]
    }

    @Synchronized
    override fun put(collection: StoreCollection, key: String, value: String) {
        calls++
        rows.getValue(collection)[key] = value
    }

    @Synchronized
    override fun delete(collection: StoreCollection, key: String): Boolean {
        calls++
        return rows.getValue(collection).remove(key) != null
    }

    @Synchronized
    override fun list(collection: StoreCollection): List<String> {
        calls++
        return rows.getValue(collection).values.toList()
    }
}
