class _UniffiConverterRustBuffer:
    # instagraph: without a context manager per call (`contextlib` costs more than the rest of
    # lifting a small value). The stream copies the buffer when it opens, so the Rust buffer is
    # freed at once, whatever reading it does next.
    @classmethod
    def lift(cls, rbuf):
        try:
            stream = _UniffiRustBufferStream.from_rust_buffer(rbuf)
        finally:
            rbuf.free()
        value = cls.read(stream)
        if stream.remaining() != 0:
            raise RuntimeError("junk data left in buffer at end of consume_with_stream")
        return value

    @classmethod
    def lower(cls, value):
        builder = _UniffiRustBufferBuilder()
        cls.write(value, builder)
        return builder.finalize()

