@_UNIFFI_RUST_FUTURE_CONTINUATION_CALLBACK
def _uniffi_continuation_callback(future_ptr, poll_code):
    (eventloop, future) = _UniffiContinuationHandleMap.remove(future_ptr)
    # instagraph: called on the loop's own thread (a future that was ready when polled, or woken
    # by a call on this thread), the result is set at once; `await` then goes on without a trip
    # through the loop's self-pipe. From any other thread it goes through the loop, as before.
    # (`_get_running_loop` answers None off the loop's thread, where `get_running_loop` would
    # raise and catch an exception on every wake from Rust's threads.)
    if asyncio._get_running_loop() is eventloop:
        _uniffi_set_future_result(future, poll_code)
    else:
        eventloop.call_soon_threadsafe(_uniffi_set_future_result, future, poll_code)

