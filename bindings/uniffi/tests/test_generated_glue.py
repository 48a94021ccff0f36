"""The faster glue swapped into the generated modules (bindgen/src/python.rs): values cross
the FFI intact both ways, and an async call that Rust finishes at its first poll resumes without a
trip through the event loop, while a call that waits on the network still wakes the loop."""

import asyncio
import hashlib
import hmac
import json

import instagraph
from conftest import connect


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
            media = await graph.media(5)
            assert media and all(m.id for m in media)
            assert wakes, "a call that waited was resolved without the loop"
        finally:
            await sandbox.stop()

    asyncio.run(go())
