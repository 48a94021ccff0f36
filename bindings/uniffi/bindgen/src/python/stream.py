class _UniffiRustBufferStream:
    """
    Helper for structured reading of bytes from a _UniffiRustBuffer
    """
    # instagraph: the buffer is copied into one `bytes` when the stream opens, then read with
    # precompiled structs. uniffi's own stream sliced the ctypes pointer and parsed a format
    # string for every value, which cost most of the time of lifting a page of records
    # (bindings/uniffi/bindgen/src/python.rs).

    def __init__(self, data, len):
        self.data = data
        self.len = len
        self.offset = 0

    @classmethod
    def from_rust_buffer(cls, buf):
        size = buf.len
        return cls(ctypes.string_at(buf.data, size) if size > 0 else b"", size)

    def remaining(self):
        return self.len - self.offset

    def _unpack_from(self, size, unpack):
        offset = self.offset
        if offset + size > self.len:
            raise InternalError("read past end of rust buffer")
        self.offset = offset + size
        return unpack(self.data, offset)[0]

    def read(self, size):
        offset = self.offset
        end = offset + size
        if end > self.len:
            raise InternalError("read past end of rust buffer")
        self.offset = end
        return self.data[offset:end]

    def read_i8(self):
        return self._unpack_from(1, _UNIFFI_I8)

    def read_u8(self):
        offset = self.offset
        if offset >= self.len:
            raise InternalError("read past end of rust buffer")
        self.offset = offset + 1
        return self.data[offset]

    def read_i16(self):
        return self._unpack_from(2, _UNIFFI_I16)

    def read_u16(self):
        return self._unpack_from(2, _UNIFFI_U16)

    def read_i32(self):
        offset = self.offset
        if offset + 4 > self.len:
            raise InternalError("read past end of rust buffer")
        self.offset = offset + 4
        return _UNIFFI_I32(self.data, offset)[0]

    def read_u32(self):
        return self._unpack_from(4, _UNIFFI_U32)

    def read_i64(self):
        return self._unpack_from(8, _UNIFFI_I64)

    def read_u64(self):
        return self._unpack_from(8, _UNIFFI_U64)

    def read_float(self):
        return self._unpack_from(4, _UNIFFI_F32)

    def read_double(self):
        return self._unpack_from(8, _UNIFFI_F64)

    # The readers below are what the converters of String, Optional<String> and Optional<u64>
    # do, in one method each: record fields are mostly these, and each saved call is paid once
    # per field of every record lifted.

    def read_str(self):
        offset = self.offset
        if offset + 4 > self.len:
            raise InternalError("read past end of rust buffer")
        size = _UNIFFI_I32(self.data, offset)[0]
        if size < 0:
            raise InternalError("Unexpected negative string length")
        start = offset + 4
        end = start + size
        if end > self.len:
            raise InternalError("read past end of rust buffer")
        self.offset = end
        return self.data[start:end].decode("utf-8")

    def read_opt_str(self):
        flag = self.read_u8()
        if flag == 0:
            return None
        if flag == 1:
            return self.read_str()
        raise InternalError("Unexpected flag byte for optional type")

    def read_opt_u64(self):
        flag = self.read_u8()
        if flag == 0:
            return None
        if flag == 1:
            return self._unpack_from(8, _UNIFFI_U64)
        raise InternalError("Unexpected flag byte for optional type")

_UNIFFI_I8 = struct.Struct(">b").unpack_from
_UNIFFI_I16 = struct.Struct(">h").unpack_from
_UNIFFI_U16 = struct.Struct(">H").unpack_from
_UNIFFI_I32 = struct.Struct(">i").unpack_from
_UNIFFI_U32 = struct.Struct(">I").unpack_from
_UNIFFI_I64 = struct.Struct(">q").unpack_from
_UNIFFI_U64 = struct.Struct(">Q").unpack_from
_UNIFFI_F32 = struct.Struct(">f").unpack_from
_UNIFFI_F64 = struct.Struct(">d").unpack_from

