"""No panic crosses the boundary: garbage arguments come back as the typed error, naming the
argument, before any network call."""

import asyncio

import pytest

import instagraph


def expect_invalid(
    coro_or_fn,
    argument=None,
    kinds=(instagraph.ErrorKind.INVALID_ARGUMENT, instagraph.ErrorKind.CONFIG),
):
    with pytest.raises(instagraph.InstagraphError) as err:
        if asyncio.iscoroutine(coro_or_fn):
            asyncio.run(coro_or_fn)
        else:
            coro_or_fn()
    e = err.value
    assert e.kind in kinds, e
    assert e.error_class == instagraph.ErrorClass.INVALID_INPUT, e
    if argument is not None:
        assert argument in (e.argument or "") or argument in e.reason, e
    return e


def manager():
    client = instagraph.Client(
        instagraph.ClientConfig(app_id="100", app_secret="s", sandbox_url="http://127.0.0.1:9")
    )
    store = instagraph.Store.memory(instagraph.generate_sealing_key())
    return instagraph.AccountManager(client, store)


def test_bad_config():
    expect_invalid(lambda: instagraph.Client(instagraph.ClientConfig(app_id="")), "app_id")
    expect_invalid(
        lambda: instagraph.Client(instagraph.ClientConfig(app_id="1", sandbox_url="not a url")),
        "hosts",
    )
    # The core's store refuses the key: a store error, naming the key.
    store = (instagraph.ErrorKind.STORE,)
    expect_invalid(lambda: instagraph.Store.memory("short"), "sealing_key", store)
    expect_invalid(lambda: instagraph.Store.memory(""), "sealing_key", store)
    key = instagraph.generate_sealing_key()
    expect_invalid(instagraph.open_store("memory:", key, [key, "short"]), "previous_sealing_keys", store)
    expect_invalid(instagraph.open_store("mysql://x", key), "url", store)


def test_empty_ids():
    m = manager()
    expect_invalid(m.add("", ["1"]), "company_id")
    expect_invalid(m.add("acme", []), "ids")
    expect_invalid(m.add("acme", [""]), "ids")
    expect_invalid(m.assign("acme", " ", ["1"]), "client_id")
    expect_invalid(m.finish_connect(""), "callback_url")
    expect_invalid(
        m.start_connect(instagraph.ConnectOptions(company_id="", login=instagraph.LoginKind.INSTAGRAM)),
        "company_id",
    )


def test_bad_posts():
    p = instagraph.Publisher(manager())
    image = lambda url, caption=None: instagraph.PostSpec(  # noqa: E731
        kind=instagraph.PostKind.IMAGE, items=[instagraph.PostItem(url=url)], caption=caption
    )
    # The core checks the post and names the field and the media.
    e = expect_invalid(p.publish("acme", "1", image("not a url"), None, None), "image_url")
    assert "not a url" in e.reason
    expect_invalid(p.publish("acme", "1", image("ftp://x/y.jpg"), None, None), "image_url")
    e = expect_invalid(
        p.publish("acme", "1", image("https://x.example/a.jpg", "a" * 100_000), None, None)
    )
    assert "caption" in e.reason
    expect_invalid(p.publish("", "1", image("https://x.example/a.jpg"), None, None), "company_id")
    one = instagraph.PostSpec(
        kind=instagraph.PostKind.CAROUSEL, items=[instagraph.PostItem(url="https://x.example/a.jpg")]
    )
    expect_invalid(p.publish("acme", "1", one, None, None), "children")
    expect_invalid(
        p.publish(
            "acme",
            "1",
            instagraph.PostSpec(kind=instagraph.PostKind.IMAGE, items=[]),
            None,
            None,
        ),
        "items",
    )


def test_unknown_conformance_case():
    store = instagraph.Store.memory(instagraph.generate_sealing_key())
    assert store is not None
    from conftest import DictStore

    expect_invalid(instagraph.run_store_conformance_case("nope", DictStore()), "name")


def test_bad_webhook_bodies():
    for body in [b"", b"\xff\xfe", b"[1,2]", b"{" * 10_000]:
        with pytest.raises(instagraph.InstagraphError) as err:
            instagraph.webhook_parse(body)
        assert err.value.http_status == 400


def test_a_throwing_progress_listener_does_not_break_the_publish():
    """An exception in a callback is not a crash, and the publish still happens."""

    class Throws(instagraph.ProgressListener):
        def __init__(self):
            self.calls = 0

        def on_progress(self, event):
            self.calls += 1
            raise RuntimeError("listener bug")

    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            client = instagraph.Client(
                instagraph.ClientConfig(
                    app_id=sandbox.app_id(),
                    app_secret=sandbox.app_secret(),
                    sandbox_url=sandbox.base_url(),
                    redirect_uri="https://agency.example/cb",
                )
            )
            manager = instagraph.AccountManager(
                client, instagraph.Store.memory(instagraph.generate_sealing_key())
            )
            start = await manager.start_connect(
                instagraph.ConnectOptions(company_id="acme", login=instagraph.LoginKind.FACEBOOK)
            )
            callback = await sandbox.consent(start.url, sandbox.users()[0].id, True)
            connection = await manager.finish_connect(callback)
            ig = connection.accounts[0].ig_user_id
            await manager.add("acme", [ig])
            listener = Throws()
            before = sandbox.published_count(ig)
            out = await instagraph.Publisher(manager).publish(
                "acme",
                ig,
                instagraph.PostSpec(
                    kind=instagraph.PostKind.IMAGE,
                    items=[instagraph.PostItem(url="https://images.example.com/x.jpg")],
                ),
                None,
                listener,
            )
            assert out.media_id and listener.calls >= 2
            assert sandbox.published_count(ig) == before + 1
        finally:
            await sandbox.stop()

    asyncio.run(go())
