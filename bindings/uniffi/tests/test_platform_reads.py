"""The platform reads of a connected account through the Python bindings, against the
in-process sandbox: its own profile, business discovery of another professional account paged
to the end (an unknown username, a bad one refused before any call), live media while a
broadcast runs, the hashtag budget seeded after a restart, oEmbed and the new insights
metrics."""

import asyncio
import json
import urllib.request

import pytest

import instagraph
from conftest import BAKERY, COMPANY, connect, sandbox_client


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

            # Live media: empty, then the broadcast the sandbox starts.
            assert await graph.live_media() == []
            started = control(sandbox, "live", {"ig_user_id": bakery.ig_user_id, "live": True})
            live = await graph.live_media()
            assert [m.id for m in live] == [started["id"]]

            # The hashtag budget survives a restart: a new client seeds it from Meta's list.
            for q in ["coffee", "sourdough", "Coffee"]:
                await graph.search_hashtag(q)
            names = sorted(t.name for t in await graph.recently_searched_hashtags())
            assert names == ["coffee", "sourdough"]
            restarted = instagraph.AccountManager(sandbox_client(sandbox), store)
            fresh = await restarted.access(COMPANY, bakery.ig_user_id)
            assert await fresh.seed_hashtag_budget() == 2

            # oEmbed of the account's post, with the app token.
            post = next(m for m in await graph.media(10) if m.permalink and "/p/" in m.permalink)
            embed = await sandbox_client(sandbox).oembed(post.permalink, 400, True, False)
            assert post.permalink in embed.html and "embed.js" not in embed.html
            assert embed.width == 400
            with pytest.raises(instagraph.InstagraphError) as err:
                await sandbox_client(sandbox).oembed("https://example.com/p/x/", None, False, False)
            assert err.value.argument == "url", err.value

            # The insights metrics added since 2025, by name.
            reel = next(m for m in await graph.media(10) if m.permalink and "/reel/" in m.permalink)
            series = await graph.media_insights(reel.id)
            assert {"reposts", "reels_skip_rate"} <= {s.name for s in series}
        finally:
            await sandbox.stop()

    asyncio.run(go())


def control(sandbox, endpoint, body):
    """POSTs to a sandbox control endpoint; answers its JSON."""
    req = urllib.request.Request(
        f"{sandbox.base_url()}/__sandbox/{endpoint}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())
