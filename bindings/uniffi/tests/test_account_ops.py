"""The AccountManager beyond connecting (one account, unassign, connection status, the token
sweep), the client's rate-limit status, jobs listed page by page and a worker running until
stopped, through the Python bindings, against the in-process sandbox."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

import instagraph
from conftest import COMPANY, SCOPES, connect, sandbox_client
from test_full_flow import added_bakery

DAY_MS = 86_400_000


def test_account_unassign_connection_status_and_sweep():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            store = instagraph.Store.memory(instagraph.generate_sealing_key())
            manager, connection = await connect(sandbox, store)
            first, second = [a.ig_user_id for a in connection.accounts][:2]

            one = await manager.account(COMPANY, first)
            assert one.ig_user_id == first and one.is_added is False
            with pytest.raises(instagraph.InstagraphError) as err:
                await manager.account(COMPANY, "999999999")
            assert err.value.kind == instagraph.ErrorKind.NOT_FOUND, err.value

            await manager.assign(COMPANY, "client-7", [first, second])
            out = await manager.unassign(COMPANY, [first, "424242"])
            assert (out.updated, out.unknown) == (1, ["424242"])
            assert [a.ig_user_id for a in await manager.assignments(COMPANY)] == [second]
            assert (await manager.account(COMPANY, first)).assigned_client_id is None
            with pytest.raises(instagraph.InstagraphError) as err:
                await manager.unassign(COMPANY, [])
            assert err.value.argument == "ids", err.value

            status = await manager.connection_status(COMPANY, connection.token_id)
            assert status.token_id == connection.token_id
            assert status.login == instagraph.LoginKind.FACEBOOK
            assert status.valid is True and status.scopes and status.reason is None
            assert status.expiring is False, "about 60 days left: not due within the week"
            with pytest.raises(instagraph.InstagraphError) as err:
                await manager.connection_status("another-company", connection.token_id)
            assert err.value.kind == instagraph.ErrorKind.NOT_FOUND, err.value

            # The long-lived user token lives about 60 days: nothing to do within a week, but
            # within 61 days its user must log in again (Facebook tokens cannot be refreshed).
            quiet = await manager.sweep_tokens(COMPANY, 7 * DAY_MS)
            assert (quiet.refreshed, quiet.reconnect) == ([], [])
            due = await manager.sweep_tokens(COMPANY, 61 * DAY_MS)
            entry = next(r for r in due.reconnect if r.token_id == connection.token_id)
            assert entry.login == instagraph.LoginKind.FACEBOOK
            assert entry.subject_id == sandbox.users()[0].id and entry.reason
            assert {first, second} <= set(entry.ig_user_ids)
            with pytest.raises(instagraph.InstagraphError) as err:
                await manager.sweep_tokens("nobody", DAY_MS)
            assert err.value.kind == instagraph.ErrorKind.NOT_FOUND, err.value
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_rate_limit_status_holds_the_latest_usage():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            client = sandbox_client(sandbox)
            empty = client.rate_limit_status()
            assert (empty.app, empty.business, empty.updated_at) == (None, [], None)
            manager = instagraph.AccountManager(
                client, instagraph.Store.memory(instagraph.generate_sealing_key())
            )
            start = await manager.start_connect(
                instagraph.ConnectOptions(
                    company_id=COMPANY, login=instagraph.LoginKind.FACEBOOK, scopes=SCOPES
                )
            )
            callback = await sandbox.consent(start.url, sandbox.users()[0].id, True)
            connection = await manager.finish_connect(callback)
            graph = await manager.access(COMPANY, connection.accounts[0].ig_user_id)
            await graph.media(1)
            status = client.rate_limit_status()
            assert status.app is not None and status.updated_at is not None, status
            assert status.app.call_count >= 0 and status.max_percent >= status.app.call_count
        finally:
            await sandbox.stop()

    asyncio.run(go())


POST = instagraph.PostSpec(
    kind=instagraph.PostKind.IMAGE,
    items=[instagraph.PostItem(url="https://images.example.com/worker.jpg")],
)


def test_jobs_page_by_page_and_a_worker_until_stopped():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            manager, ig = await added_bakery(sandbox)
            scheduler = instagraph.Scheduler(instagraph.Publisher(manager))
            later = datetime.now(timezone.utc) + timedelta(hours=3)
            for n in range(3):
                await scheduler.schedule(COMPANY, ig, POST, later + timedelta(minutes=n), f"later-{n}")

            first = await scheduler.jobs_page(COMPANY, None, None, 2, None)
            rest = await scheduler.jobs_page(COMPANY, None, ig, 2, first[-1].id)
            assert len(first) == 2 and len(rest) == 1
            assert len({j.id for j in first + rest}) == 3
            scheduled = instagraph.JobStatus.SCHEDULED
            assert len(await scheduler.jobs_page(COMPANY, scheduled, None, 0, None)) == 3
            assert await scheduler.jobs_page(COMPANY, instagraph.JobStatus.PUBLISHED, None, 0, None) == []
            with pytest.raises(instagraph.InstagraphError) as err:
                await scheduler.jobs_page(COMPANY, None, None, 501, None)
            assert err.value.argument == "limit", err.value

            # A stop given before the worker starts: it returns at once, having run nothing.
            stopped = instagraph.WorkerStop()
            stopped.stop()
            await scheduler.run_worker_until("worker-0", 10, stopped)

            due = await scheduler.schedule(
                COMPANY, ig, POST, datetime.now(timezone.utc) - timedelta(seconds=1), "due"
            )
            stop = instagraph.WorkerStop()
            worker = asyncio.ensure_future(scheduler.run_worker_until("worker-1", 10, stop))
            for _ in range(500):
                if (await scheduler.job(COMPANY, due.id)).status == instagraph.JobStatus.PUBLISHED:
                    break
                await asyncio.sleep(0.02)
            stop.stop()
            await worker
            assert (await scheduler.job(COMPANY, due.id)).status == instagraph.JobStatus.PUBLISHED
            with pytest.raises(instagraph.InstagraphError) as err:
                await scheduler.run_worker_until("", None, instagraph.WorkerStop())
            assert err.value.argument == "worker_id", err.value
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_publisher_job_by_key_comments_switch_and_delete():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            manager = instagraph.AccountManager(
                sandbox_client(sandbox), instagraph.Store.memory(instagraph.generate_sealing_key())
            )
            start = await manager.start_connect(
                instagraph.ConnectOptions(
                    company_id=COMPANY,
                    login=instagraph.LoginKind.FACEBOOK,
                    scopes=SCOPES + ["instagram_manage_contents"],
                )
            )
            callback = await sandbox.consent(start.url, sandbox.users()[0].id, True)
            connection = await manager.finish_connect(callback)
            ig = next(a.ig_user_id for a in connection.accounts if a.username == "alice.bakery")
            await manager.add(COMPANY, [ig])
            publisher = instagraph.Publisher(manager)
            assert await publisher.job_by_key(COMPANY, "kept") is None
            published = await publisher.publish(COMPANY, ig, POST, "kept", None)
            job = await publisher.job_by_key(COMPANY, "kept")
            assert job.status == instagraph.JobStatus.PUBLISHED
            assert job.media_id == published.media_id

            graph = await manager.access(COMPANY, ig)
            await publisher.set_comments_enabled(COMPANY, ig, published.media_id, False)
            with pytest.raises(instagraph.InstagraphError):
                await graph.comment_on_media(published.media_id, "closed?")
            await publisher.set_comments_enabled(COMPANY, ig, published.media_id, True)
            await graph.comment_on_media(published.media_id, "open again")

            await publisher.delete_media(COMPANY, ig, published.media_id)
            assert published.media_id not in {m.id for m in await graph.media(100)}
            with pytest.raises(instagraph.InstagraphError) as err:
                await publisher.delete_media(COMPANY, ig, "")
            assert err.value.argument == "media_id", err.value
            with pytest.raises(instagraph.InstagraphError) as err:
                await publisher.job_by_key(COMPANY, "")
            assert err.value.argument == "idempotency_key", err.value
        finally:
            await sandbox.stop()

    asyncio.run(go())
