    # instagraph: one memmove per value instead of a Python loop per byte (a caption of 2,200
    # characters was 2,200 interpreted iterations).
    def _pack_into(self, size, format, value):
        self.write(struct.pack(format, value))

    def write(self, value):
        size = len(value)
        with self._reserve(size):
            if size > 0:
                ctypes.memmove(
                    ctypes.addressof(self.rbuf.data.contents) + self.rbuf.len,
                    value if isinstance(value, bytes) else bytes(value),
                    size,
                )

