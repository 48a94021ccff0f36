    # instagraph: one call into Rust (see _uniffi_rustbuffer_from_bytes).
    @staticmethod
    def lower(value):
        return _uniffi_rustbuffer_from_bytes(value.encode("utf-8"))
