"""A scheduled job read back and moved, and a fresh read of Meta's publishing count, against the
sandbox."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

import instagraph
from conftest import COMPANY
from test_full_flow import added_bakery

POST = instagraph.PostSpec(
    kind=instagraph.PostKind.IMAGE,
    items=[instagraph.PostItem(url="https://images.example.com/moved.jpg")],
)


def test_a_job_is_read_back_and_rescheduled():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            manager, ig = await added_bakery(sandbox)
            scheduler = instagraph.Scheduler(instagraph.Publisher(manager))
            in_three_hours = datetime.now(timezone.utc) + timedelta(hours=3)
            job = await scheduler.schedule(COMPANY, ig, POST, in_three_hours, "moved")
            read = await scheduler.job(COMPANY, job.id)
            assert read.id == job.id and read.status == instagraph.JobStatus.SCHEDULED
            in_a_day = datetime.now(timezone.utc) + timedelta(days=1)
            moved = await scheduler.reschedule(COMPANY, job.id, in_a_day)
            assert moved.scheduled_at > read.scheduled_at
            assert (await scheduler.job(COMPANY, job.id)).scheduled_at == moved.scheduled_at
            with pytest.raises(instagraph.InstagraphError):
                await scheduler.job(COMPANY, "no-such-job")
            with pytest.raises(instagraph.InstagraphError) as err:
                await scheduler.reschedule(COMPANY, "", in_a_day)
            assert err.value.kind == instagraph.ErrorKind.INVALID_ARGUMENT
            assert err.value.argument == "job_id"
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_refresh_quota_reads_metas_count_again():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            manager, ig = await added_bakery(sandbox)
            publisher = instagraph.Publisher(manager)
            await publisher.publish(COMPANY, ig, POST, "once", None)
            counted = await publisher.quota(COMPANY, ig)
            refreshed = await publisher.refresh_quota(COMPANY, ig)
            assert refreshed.used == counted.used >= 1, "Meta counts the same publish"
            assert refreshed.read_at >= counted.read_at
            with pytest.raises(instagraph.InstagraphError) as err:
                await publisher.refresh_quota("", ig)
            assert err.value.argument == "company_id"
        finally:
            await sandbox.stop()

    asyncio.run(go())
