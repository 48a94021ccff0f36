"""The platform reads of a connected account through the Python bindings, against the
in-process sandbox: its own profile, and business discovery of another professional account
paged to the end, an unknown username, a bad one refused before any call."""

import asyncio

import pytest

import instagraph
from conftest import BAKERY, COMPANY, connect


def test_profile_and_business_discovery():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        store = instagraph.Store.memory(instagraph.generate_sealing_key())
        try:
            manager, connection = await connect(sandbox, store)
            bakery = next(a for a in connection.accounts if a.username == BAKERY)
            graph = await manager.access(COMPANY, bakery.ig_user_id)

            profile = await graph.profile()
            assert profile.id == bakery.ig_user_id and profile.username == BAKERY
            assert profile.followers_count == 5120 and profile.media_count is not None

            first = await graph.business_discovery("bob.builds", 2, None)
            assert first.account.username == "bob.builds" and first.account.followers_count == 870
            seen = [m.id for m in first.media]
            assert len(seen) == 2 and first.next_cursor
            cursor = first.next_cursor
            while cursor:
                page = await graph.business_discovery("bob.builds", 2, cursor)
                seen += [m.id for m in page.media]
                cursor = page.next_cursor
            assert len(seen) == len(set(seen)) == first.account.media_count

            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.business_discovery("maya.eats", None, None)
            assert err.value.kind == instagraph.ErrorKind.NOT_FOUND, err.value
            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.business_discovery("@bob", None, None)
            assert err.value.kind == instagraph.ErrorKind.INVALID_ARGUMENT
            assert err.value.argument == "username", err.value
        finally:
            await sandbox.stop()

    asyncio.run(go())
