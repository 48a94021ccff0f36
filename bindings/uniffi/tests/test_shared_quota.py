"""The publishing quota shared through the store (`Publisher.with_quota(manager,
QuotaAccounting.SHARED)`): two managers on one host store stand for two processes; one
publishing is seen by the other, which is refused the account's last slot."""

import asyncio
import json
import urllib.request

import pytest

import instagraph
from conftest import COMPANY, DictStore, connect, sandbox_client

POST = instagraph.PostSpec(
    kind=instagraph.PostKind.IMAGE,
    items=[instagraph.PostItem(url="https://images.example.com/shared-quota.jpg")],
)


def allow_posts_per_day(sandbox, posts):
    request = urllib.request.Request(
        f"{sandbox.base_url()}/__sandbox/config",
        data=json.dumps({"publishing_quota": posts, "image_processing_ms": 0}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200


def test_a_shared_quota_counts_the_posts_of_every_process_on_the_store():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            allow_posts_per_day(sandbox, 1)
            rows = DictStore()
            key = instagraph.generate_sealing_key()
            first, connection = await connect(sandbox, instagraph.Store.foreign(rows, key))
            second = instagraph.AccountManager(
                sandbox_client(sandbox), instagraph.Store.foreign(rows, key)
            )
            ig = next(a.ig_user_id for a in connection.accounts if a.username == "alice.bakery")
            shared = instagraph.QuotaAccounting.SHARED
            a = instagraph.Publisher.with_quota(first, shared)
            b = instagraph.Publisher.with_quota(second, shared)
            # Both read Meta's count (0 of 1) before either publishes.
            assert (await a.quota(COMPANY, ig)).used == 0
            assert (await b.quota(COMPANY, ig)).used == 0
            await a.publish(COMPANY, ig, POST, None, None)
            assert (await b.quota(COMPANY, ig)).used == 1, "counted in the store"
            with pytest.raises(instagraph.InstagraphError) as err:
                await b.publish(COMPANY, ig, POST, None, None)
            assert err.value.kind == instagraph.ErrorKind.QUOTA_EXCEEDED, err.value
            assert sandbox.published_count(ig) == 1
        finally:
            await sandbox.stop()

    asyncio.run(go())
