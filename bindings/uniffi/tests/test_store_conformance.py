"""The SDK's own store conformance suite, case by case, against a store written in Python."""

import asyncio
import json
import threading

import pytest

import instagraph
from conftest import DictStore

CASES = instagraph.store_conformance_cases()


def test_the_suite_is_the_whole_suite():
    assert len(CASES) >= 40
    assert "tokens::token_put_and_get" in CASES
    assert "jobs::job_claim_exclusive_concurrent" in CASES


@pytest.mark.parametrize("case", CASES)
def test_python_store_passes(case):
    store = DictStore()
    failure = asyncio.run(instagraph.run_store_conformance_case(case, store))
    assert failure is None, failure
    assert store.calls > 0, "the case reached the Python store"


def test_a_broken_store_fails_the_cases():
    """The runner can fail: a store that forgets deletes does not pass the delete case."""

    class ForgetfulStore(DictStore):
        def compare_and_swap(self, key, expected, next):
            if next is None:
                return self.rows.get(key) == expected
            return super().compare_and_swap(key, expected, next)

    failure = asyncio.run(
        instagraph.run_store_conformance_case("tokens::token_delete", ForgetfulStore())
    )
    assert failure is not None


def test_a_raising_store_comes_back_as_a_store_error():
    class Down(DictStore):
        def scan(self, prefix):
            raise RuntimeError("disk unplugged")

        def get(self, key):
            raise instagraph.ForeignStoreError.Failed("keychain locked")

    async def go():
        store = instagraph.Store.foreign(Down(), instagraph.generate_sealing_key())
        client = instagraph.Client(instagraph.ClientConfig(app_id="1", app_secret="s"))
        manager = instagraph.AccountManager(client, store)
        with pytest.raises(instagraph.InstagraphError) as err:
            await manager.accounts("acme")
        assert err.value.kind == instagraph.ErrorKind.STORE
        assert "disk unplugged" in err.value.reason

    asyncio.run(go())


def test_a_store_that_never_answers_times_out_naming_the_method():
    """A method that blocks (a lock nobody releases) fails the call after the store's timeout,
    with a store error naming the method, instead of hanging the SDK."""
    release = threading.Event()

    class Stuck(DictStore):
        def scan(self, prefix):
            release.wait()
            return []

    async def go():
        store = instagraph.Store.foreign(
            Stuck(), instagraph.generate_sealing_key(), store_timeout_ms=200
        )
        client = instagraph.Client(instagraph.ClientConfig(app_id="1", app_secret="s"))
        manager = instagraph.AccountManager(client, store)
        with pytest.raises(instagraph.InstagraphError) as err:
            await manager.accounts("acme")
        assert err.value.kind == instagraph.ErrorKind.STORE
        assert "store method scan" in err.value.reason, err.value.reason
        assert "200ms" in err.value.reason, err.value.reason
        with pytest.raises(instagraph.InstagraphError) as err:
            instagraph.Store.foreign(Stuck(), instagraph.generate_sealing_key(), store_timeout_ms=0)
        assert err.value.argument == "store_timeout_ms"

    try:
        asyncio.run(go())
    finally:
        release.set()  # lets the abandoned call return, and its thread end


def test_rows_hold_only_sealed_tokens():
    """The app's storage never sees a plaintext token: rows carry the sealed secret only."""
    store = DictStore()
    failure = asyncio.run(
        instagraph.run_store_conformance_case("tokens::token_sealed_never_plaintext", store)
    )
    assert failure is None, failure
    tokens = store.values("tokens/")
    assert tokens, "the case stored tokens"
    for text in tokens:
        row = json.loads(text)
        assert row["sealed"].startswith("v1."), row["sealed"][:8]
