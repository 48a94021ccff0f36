class _UniffiRustBufferBuilder:
    """
    Helper for structured writing of bytes into a _UniffiRustBuffer.
    """
    # instagraph: the value is written into a Python bytearray and handed to Rust once, by
    # `finalize`, in one call (`rustbuffer_from_bytes`). uniffi's builder allocated a Rust buffer
    # up front, grew it with a call per overflow and wrote through a context manager per value,
    # and copied one byte per Python iteration (bindings/uniffi/bindgen/src/python.rs). Nothing
    # is allocated in Rust before `finalize`, so there is nothing to free on an error.

    def __init__(self):
        self.data = bytearray()

    def finalize(self):
        return _uniffi_rustbuffer_from_bytes(bytes(self.data))

    def discard(self):
        self.data = bytearray()

    def write(self, value):
        self.data += value

    def write_i8(self, v):
        self.data += _UNIFFI_PACK_I8(v)

    def write_u8(self, v):
        self.data += _UNIFFI_PACK_U8(v)

    def write_i16(self, v):
        self.data += _UNIFFI_PACK_I16(v)

    def write_u16(self, v):
        self.data += _UNIFFI_PACK_U16(v)

    def write_i32(self, v):
        self.data += _UNIFFI_PACK_I32(v)

    def write_u32(self, v):
        self.data += _UNIFFI_PACK_U32(v)

    def write_i64(self, v):
        self.data += _UNIFFI_PACK_I64(v)

    def write_u64(self, v):
        self.data += _UNIFFI_PACK_U64(v)

    def write_float(self, v):
        self.data += _UNIFFI_PACK_F32(v)

    def write_double(self, v):
        self.data += _UNIFFI_PACK_F64(v)

    def write_c_size_t(self, v):
        self.data += struct.pack("@N", v)

_UNIFFI_PACK_I8 = struct.Struct(">b").pack
_UNIFFI_PACK_U8 = struct.Struct(">B").pack
_UNIFFI_PACK_I16 = struct.Struct(">h").pack
_UNIFFI_PACK_U16 = struct.Struct(">H").pack
_UNIFFI_PACK_I32 = struct.Struct(">i").pack
_UNIFFI_PACK_U32 = struct.Struct(">I").pack
_UNIFFI_PACK_I64 = struct.Struct(">q").pack
_UNIFFI_PACK_U64 = struct.Struct(">Q").pack
_UNIFFI_PACK_F32 = struct.Struct(">f").pack
_UNIFFI_PACK_F64 = struct.Struct(">d").pack

def _uniffi_rustbuffer_from_bytes(data):
    """A Rust-owned _UniffiRustBuffer holding a copy of `data` (bytes)."""
    size = len(data)
    if size > 0x7FFFFFFF:
        raise InternalError("a value of {} bytes does not fit in a RustBuffer".format(size))
    foreign = _UniffiForeignBytes(size, ctypes.cast(data, ctypes.POINTER(ctypes.c_char)))
    return _uniffi_rust_call(_UniffiLib.__RUSTBUFFER_FROM_BYTES__, foreign)

