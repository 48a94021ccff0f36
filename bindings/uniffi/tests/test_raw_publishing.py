"""The raw container API (`AccountGraph.containers()`), conversations read through the linked
Page, and the webhook deduper shared through a store, through the Python bindings against the
in-process sandbox."""

import asyncio
import os
import tempfile

import pytest

import instagraph
from conftest import BAKERY, COMPANY, DictStore, connect

TRAVELS = "alice.travels"


def refused(err, argument):
    assert err.value.kind == instagraph.ErrorKind.INVALID_ARGUMENT, err.value
    assert err.value.argument == argument, err.value


def test_containers_step_by_step():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        store = instagraph.Store.foreign(DictStore(), instagraph.generate_sealing_key())
        try:
            manager, connection = await connect(sandbox, store)
            bakery = next(a.ig_user_id for a in connection.accounts if a.username == BAKERY)
            await manager.add(COMPANY, [bakery])
            containers = (await manager.access(COMPANY, bakery)).containers()
            before = await containers.limit()
            assert before.quota_total and before.quota_duration_seconds == 86400, before
            published_before = sandbox.published_count(bakery)

            # An image with a user tag: created, finished at once, published.
            image = await containers.create(
                instagraph.ContainerSpec(
                    image_url="https://cdn.example.com/raw.jpg",
                    caption="Step by step",
                    user_tags=[instagraph.UserTag(username=TRAVELS, x=0.5, y=0.5)],
                )
            )
            state = await containers.status(image)
            assert (state.id, state.status_code) == (image, "FINISHED"), state
            media_id = await containers.publish(image)
            assert media_id
            assert (await containers.status(image)).status_code == "PUBLISHED"
            assert sandbox.published_count(bakery) == published_before + 1
            after = await containers.limit()
            assert after.quota_usage == (before.quota_usage or 0) + 1, (before, after)

            # A trial reel is processed for a while: waited for, then published.
            reel = await containers.create(
                instagraph.ContainerSpec(
                    media_type=instagraph.ContainerMediaType.REELS,
                    video_url="https://cdn.example.com/raw.mp4",
                    share_to_feed=True,
                    trial_params=instagraph.TrialParams(
                        graduation_strategy=instagraph.GraduationStrategy.MANUAL
                    ),
                )
            )
            assert (await containers.status(reel)).status_code == "IN_PROGRESS"
            ready = await containers.wait_finished(
                reel, instagraph.ContainerWait(timeout_ms=30_000, initial_interval_ms=50)
            )
            assert ready.status_code == "FINISHED", ready
            assert await containers.publish(reel)

            # A carousel of two items.
            items = [
                await containers.create(
                    instagraph.ContainerSpec(
                        image_url=f"https://cdn.example.com/raw-{n}.jpg", is_carousel_item=True
                    )
                )
                for n in range(2)
            ]
            carousel = await containers.create(
                instagraph.ContainerSpec(
                    media_type=instagraph.ContainerMediaType.CAROUSEL, children=items, caption="Two"
                )
            )
            assert (await containers.wait_finished(carousel)).status_code == "FINISHED"
            assert await containers.publish(carousel)

            # Processing fails: the wait names the subcode Meta puts in the status.
            broken = await containers.create(
                instagraph.ContainerSpec(image_url="https://cdn.example.com/bad-format.jpg")
            )
            with pytest.raises(instagraph.InstagraphError) as err:
                await containers.wait_finished(broken)
            assert err.value.kind == instagraph.ErrorKind.GRAPH and err.value.subcode == 2207005, err.value

            # The core checks the container before any call and names the field.
            calls = sandbox.published_count(bakery)
            for spec, argument in [
                (instagraph.ContainerSpec(), "media_type"),
                (
                    instagraph.ContainerSpec(
                        image_url="https://cdn.example.com/a.jpg",
                        user_tags=[instagraph.UserTag(username=TRAVELS, x=2.0, y=0.5)],
                    ),
                    "user_tags",
                ),
                (
                    instagraph.ContainerSpec(
                        media_type=instagraph.ContainerMediaType.REELS,
                        video_url="https://cdn.example.com/a.mp4",
                        product_tags=[instagraph.ProductTagSpec(product_id="1", x=0.1, y=0.1)],
                    ),
                    "product_tags",
                ),
                (
                    instagraph.ContainerSpec(image_url="https://cdn.example.com/a.jpg", share_to_feed=True),
                    "share_to_feed",
                ),
                (instagraph.ContainerSpec(image_url="ftp://cdn.example.com/a.jpg"), "image_url"),
            ]:
                with pytest.raises(instagraph.InstagraphError) as err:
                    await containers.create(spec)
                refused(err, argument)
            assert sandbox.published_count(bakery) == calls
            for call in (containers.status, containers.publish, containers.wait_finished):
                with pytest.raises(instagraph.InstagraphError) as err:
                    await call("")
                refused(err, "container_id")
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_conversations_through_the_linked_page():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        store = instagraph.Store.foreign(DictStore(), instagraph.generate_sealing_key())
        try:
            manager, connection = await connect(sandbox, store)
            account = next(a for a in connection.accounts if a.username == BAKERY)
            assert account.page_id
            await manager.add(COMPANY, [account.ig_user_id])
            graph = await manager.access(COMPANY, account.ig_user_id)
            direct = await graph.conversations()
            via_page = await graph.page_conversations(account.page_id)
            assert sorted(c.id for c in via_page) == sorted(c.id for c in direct) and via_page
            person = next(
                c for c in sandbox.conversations() if c.ig_user_id == account.ig_user_id
            )
            [one] = await graph.page_conversations(account.page_id, person.user_id)
            assert one.id == person.id
            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.page_conversations("")
            refused(err, "page_id")
            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.page_conversations(account.page_id, " ")
            refused(err, "user_id")
        finally:
            await sandbox.stop()

    asyncio.run(go())


def delivery(comment_id, text):
    return (
        '{"object":"instagram","entry":[{"id":"17841400000000001","time":1,"changes":[{"field":"comments",'
        f'"value":{{"id":"{comment_id}","text":"{text}","from":{{"id":"9","username":"maya"}},"media":{{"id":"m1"}}}}}}]}}]}}'
    ).encode()


def stores(tmp):
    """The same store seen by two processes: a Python store shared by two `Store`s, and a
    SQLite file opened twice."""
    key = instagraph.generate_sealing_key()
    rows = DictStore()
    yield "foreign", instagraph.Store.foreign(rows, key), instagraph.Store.foreign(rows, key)
    path = os.path.join(tmp, "dedup.db")

    async def sqlite():
        return await instagraph.open_store(f"sqlite:{path}", key), await instagraph.open_store(
            f"sqlite:{path}", key
        )

    yield ("sqlite", *asyncio.run(sqlite()))


def test_shared_deduper_across_processes():
    with tempfile.TemporaryDirectory() as tmp:
        for name, one, other in stores(tmp):

            async def go():
                first, second = instagraph.SharedDeduper(one), instagraph.SharedDeduper(other, 3600)
                body = delivery("c1", "hi")
                [event] = instagraph.webhook_parse(body)
                assert event.dedup_key, event
                assert await first.first_delivery(event) is True
                # A redelivery, seen by the other instance.
                assert await second.first_delivery(instagraph.webhook_parse(body)[0]) is False
                assert await second.new_events(body) == []
                fresh = await second.new_events(delivery("c2", "again"))
                assert [e.kind for e in fresh] == ["comment"] and fresh[0].dedup_key != event.dedup_key
                assert await first.new_events(delivery("c2", "again")) == []
                assert await first.first_seen("my-key") is True
                assert await second.first_seen("my-key") is False
                with pytest.raises(instagraph.InstagraphError) as err:
                    await first.first_seen("")
                refused(err, "key")
                with pytest.raises(instagraph.InstagraphError) as err:
                    await first.new_events(b"not json")
                assert err.value.kind == instagraph.ErrorKind.INVALID_ARGUMENT

            asyncio.run(go())
            with pytest.raises(instagraph.InstagraphError) as err:
                instagraph.SharedDeduper(one, 0)
            refused(err, "window")
