"""Sealing key rotation from Python: the stores are opened by the core (`open_store`,
`Store.foreign`) with the core's sealer, previous keys included, and `reseal_tokens` is the
core's."""

import asyncio

import pytest

import instagraph
from conftest import BAKERY, COMPANY, DictStore, connect


def rotation(open_with):
    """Writes a token sealed with key A into the storage `open_with(key, previous_keys)` opens,
    rotates to key B, reseals, and drops A."""

    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            key_a = instagraph.generate_sealing_key()
            key_b = instagraph.generate_sealing_key()
            _, connection = await connect(sandbox, await open_with(key_a, []))
            ig = next(a.ig_user_id for a in connection.accounts if a.username == BAKERY)
            client = instagraph.Client(
                instagraph.ClientConfig(
                    app_id=sandbox.app_id(),
                    app_secret=sandbox.app_secret(),
                    sandbox_url=sandbox.base_url(),
                )
            )

            async def read(store):
                """Opens the account's token and uses it."""
                graph = await instagraph.AccountManager(client, store).access(COMPANY, ig)
                return await graph.media(1)

            with pytest.raises(instagraph.InstagraphError) as err:
                await read(await open_with(key_b, []))
            assert err.value.kind == instagraph.ErrorKind.STORE, "B alone cannot open A's tokens"

            rotated = await open_with(key_b, [key_a])
            assert await read(rotated), "A still opens what it sealed"
            report = await rotated.reseal_tokens()
            assert isinstance(report, instagraph.ResealReport), "the core's own report"
            assert report.found >= 1 and report.resealed == report.found
            assert report.unreadable == 0 and report.changed == 0
            assert (await rotated.reseal_tokens(batch=1)).found == 0, "nothing left to reseal"

            assert await read(await open_with(key_b, [])), "A is no longer needed"
            with pytest.raises(instagraph.InstagraphError) as err:
                await read(await open_with(key_a, []))
            assert err.value.kind == instagraph.ErrorKind.STORE
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_rotating_the_key_of_a_sqlite_store(tmp_path):
    url = "sqlite:" + str(tmp_path / "rotation.db")

    async def open_with(key, previous):
        return await instagraph.open_store(url, key, previous)

    rotation(open_with)


def test_rotating_the_key_of_the_apps_own_store():
    rows = DictStore()

    async def open_with(key, previous):
        return instagraph.Store.foreign(rows, key, previous)

    rotation(open_with)
