"""The faster glue swapped into the generated modules (bindgen/src/python.rs and
record_readers.rs): values cross the FFI intact both ways, records are read in place with the
stream's errors, and an async call that Rust finishes at its first poll resumes without a trip
through the event loop, while a call that waits on the network still wakes the loop."""

import asyncio
import hashlib
import hmac
import inspect
import json

import pytest

import instagraph
from instagraph import instagraph as generated
from conftest import connect

MEDIA = generated._UniffiConverterTypeMediaSummary


def test_large_and_non_ascii_values_cross_intact():
    # The write path (bytes and strings into Rust) and the read path (records out of it).
    text = "Café 🍰 " * 400 + "é" * 3001
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": "1",
                    "time": 1,
                    "changes": [
                        {
                            "field": "comments",
                            "value": {"id": "c1", "text": text, "media": {"id": "m1"}},
                        }
                    ],
                }
            ],
        },
        ensure_ascii=False,
    ).encode()
    expected = "sha256=" + hmac.new(b"s\xc3\xa9cret", body, hashlib.sha256).hexdigest()
    assert instagraph.webhook_signature_header("sécret", body) == expected
    [event] = instagraph.webhook_parse(body)
    assert event.kind == "comment"
    assert json.loads(event.json)["text"] == text
    assert instagraph.webhook_verify_challenge(
        "hub.mode=subscribe&hub.challenge=%C3%A9%F0%9F%8D%B0&hub.verify_token=t", "t"
    ) == "é🍰"


def media(**fields):
    values = dict(
        id="17895695668004550",
        caption=None,
        media_type="IMAGE",
        permalink=None,
        timestamp="2026-12-07T10:00:00+0000",
        like_count=None,
        comments_count=2**64 - 1,
    )
    values.update(fields)
    return generated.MediaSummary(**values)


def record_bytes(value):
    """The record as uniffi writes it (the patched builder, without going through Rust)."""
    builder = generated._UniffiRustBufferBuilder()
    MEDIA.write(value, builder)
    return bytes(builder.data)


def test_records_cross_rust_memory_and_back_unchanged():
    for value in [
        media(),
        media(caption="Café 🍰 #launch " * 150, permalink="", like_count=0, comments_count=None),
        media(id="", media_type=None, timestamp=None, like_count=2**63),
    ]:
        # lower: one Rust buffer made from the bytes; lift: read in place, the buffer freed.
        assert MEDIA.lift(MEDIA.lower(value)) == value


def test_lowering_a_record_is_one_call_into_rust(monkeypatch):
    calls = []
    real = generated._uniffi_rust_call

    def counted(fn, *args):
        calls.append(fn)
        return real(fn, *args)

    monkeypatch.setattr(generated, "_uniffi_rust_call", counted)
    lowered = MEDIA.lower(media(caption="Café " * 100))
    assert len(calls) == 1, "a buffer allocated, grown or written by several calls"
    monkeypatch.undo()
    assert MEDIA.lift(lowered) == media(caption="Café " * 100)


def test_records_are_read_in_place():
    assert "_o = buf.offset" in inspect.getsource(MEDIA.read)


def read_from(data):
    stream = generated._UniffiRustBufferStream(data, len(data))
    return MEDIA.read(stream), stream.offset


def test_a_damaged_record_raises_the_streams_errors():
    data = record_bytes(media(caption="é" * 10))
    value, offset = read_from(data + b"tail")
    assert value == media(caption="é" * 10) and offset == len(data)
    for cut in (0, 3, 4, 25, len(data) - 1):
        with pytest.raises(generated.InternalError, match="read past end"):
            read_from(data[:cut])
    caption_flag = 4 + len("17895695668004550")
    with pytest.raises(generated.InternalError, match="flag byte"):
        read_from(data[:caption_flag] + b"\x07" + data[caption_flag + 1 :])
    negative = data[:caption_flag] + b"\x01\xff\xff\xff\xff" + data[caption_flag + 1 :]
    with pytest.raises(generated.InternalError, match="negative string length"):
        read_from(negative)


def counting_cross_thread_wakes(loop):
    """Counts the loop's call_soon_threadsafe calls (each one a write to its self-pipe)."""
    calls = []
    original = loop.call_soon_threadsafe

    def counted(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    loop.call_soon_threadsafe = counted
    return calls


def test_a_call_ready_at_its_first_poll_does_not_go_through_the_loop():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            store = await instagraph.open_store("memory:", instagraph.generate_sealing_key())
            manager, connection = await connect(sandbox, store)
            account = connection.accounts[0].ig_user_id
            graph = await manager.access("acme-agency", account)  # now in the access cache

            wakes = counting_cross_thread_wakes(asyncio.get_running_loop())
            again = await manager.access("acme-agency", account)
            assert again.ig_user_id() == account
            assert wakes == [], "a ready future went through the loop's self-pipe"

            # A call that waits on the sandbox is woken from Rust's threads, through the loop.
            # One whose answer arrives while Python is still inside its poll is resolved on the
            # loop's thread instead (about one call in three here), so several are made.
            for _ in range(20):
                media = await asyncio.wait_for(graph.media(5), 10)
                assert media and all(m.id for m in media)
                if wakes:
                    break
            assert wakes, "no call that waited was resolved through the loop"
        finally:
            await sandbox.stop()

    asyncio.run(go())
