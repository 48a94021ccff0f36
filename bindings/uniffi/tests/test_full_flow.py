"""The whole agency flow through the Python bindings, against the in-process sandbox, with the
tokens, accounts, OAuth states and jobs kept in a Python store."""

import asyncio
import json
import os
import time
from datetime import datetime, timedelta, timezone

import pytest

import instagraph
from conftest import BAKERY, COMPANY, REDIRECT, DictStore, connect, sandbox_client

class Progress(instagraph.ProgressListener):
    def __init__(self):
        self.events = []

    def on_progress(self, event):
        self.events.append(event)

    def kinds(self):
        return [type(e).__name__.rsplit(".", 1)[-1] for e in self.events]


def test_full_flow_with_a_python_store():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        py_store = DictStore()
        store = instagraph.Store.foreign(py_store, instagraph.generate_sealing_key())
        try:
            manager, connection = await connect(sandbox, store)

            # Discover: the accounts Alice's Pages and portfolios reach, stored in Python.
            assert connection.login == instagraph.LoginKind.FACEBOOK
            names = {a.username for a in connection.accounts}
            assert BAKERY in names, names
            assert connection.inserted == len(connection.accounts)
            assert len(py_store.values("accounts/")) == len(connection.accounts)
            assert py_store.values("oauth-states/") == [], "the state is single use"
            for row in py_store.values("tokens/"):
                assert "access_token" not in row and json.loads(row)["sealed"].startswith("v1.")
            bakery = next(a for a in connection.accounts if a.username == BAKERY)
            ig = bakery.ig_user_id
            assert bakery.source == instagraph.AccountSource.PAGE_LINKED

            # Add and assign, then list with live details.
            added = await manager.add(COMPANY, [ig, "17849999999999999"])
            assert added.updated == 1 and added.unknown == ["17849999999999999"]
            assigned = await manager.assign(COMPANY, "client-42", [ig])
            assert assigned.updated == 1
            assignments = await manager.assignments(COMPANY)
            assert [(a.ig_user_id, a.client_id) for a in assignments] == [(ig, "client-42")]
            live = await manager.added(COMPANY)
            assert [x.account.ig_user_id for x in live] == [ig]
            assert live[0].live_error is None and live[0].live_followers_count is not None
            assert live[0].account.assigned_client_id == "client-42"

            # Publish an image, then a carousel, with progress.
            publisher = instagraph.Publisher(manager)
            before = sandbox.published_count(ig)
            progress = Progress()
            image = await publisher.publish(
                COMPANY,
                ig,
                instagraph.PostSpec(
                    kind=instagraph.PostKind.IMAGE,
                    items=[instagraph.PostItem(url="https://images.example.com/bread.jpg")],
                    caption="Fresh bread #bakery",
                ),
                "post-1",
                progress,
            )
            assert image.media_id and image.permalink and not image.replayed
            assert progress.kinds()[0] == "CREATED" and progress.kinds()[-1] == "PUBLISHED"
            assert progress.events[0].container_id, "the container id comes with the event"
            assert progress.events[-1].media_id == image.media_id
            again = await publisher.publish(
                COMPANY,
                ig,
                instagraph.PostSpec(
                    kind=instagraph.PostKind.IMAGE,
                    items=[instagraph.PostItem(url="https://images.example.com/bread.jpg")],
                ),
                "post-1",
                None,
            )
            assert again.replayed and again.media_id == image.media_id, "exactly once"

            carousel_progress = Progress()
            carousel = await publisher.publish(
                COMPANY,
                ig,
                instagraph.PostSpec(
                    kind=instagraph.PostKind.CAROUSEL,
                    items=[
                        instagraph.PostItem(url="https://images.example.com/a.jpg", alt_text="Shop"),
                        instagraph.PostItem(url="https://images.example.com/b.jpg"),
                    ],
                    caption="Opening day",
                ),
                None,
                carousel_progress,
            )
            assert carousel.media_id and len(carousel.item_containers) == 2
            created = [e for e in carousel_progress.events if isinstance(e, instagraph.ProgressEvent.CREATED)]
            assert len(created) == 3, "two items, then the carousel"
            assert sandbox.published_count(ig) == before + 2
            jobs = py_store.values("jobs/")
            assert len(jobs) == 2 and all(json.loads(j)["status"] == "published" for j in jobs)

            # Read: media, insights.
            graph = await manager.access(COMPANY, ig)
            media = await graph.media(25)
            assert image.media_id in [m.id for m in media]
            until = datetime.now(timezone.utc)
            reach = await graph.account_insights(
                ["reach"], instagraph.InsightPeriod.DAY, until - timedelta(days=7), until
            )
            assert reach[0].name == "reach" and len(reach[0].values) >= 6
            assert all(p.value is not None for p in reach[0].values)
            insights = await graph.media_insights(image.media_id)
            assert "reach" in [s.name for s in insights]
            # Every day metric as a chartable series: views as one total per week.
            series = await graph.account_insight_series(
                ["views", "reach"], until - timedelta(days=28), until, instagraph.Granularity.WEEKLY
            )
            assert [m.name for m in series] == ["views", "reach"]
            assert series[0].aggregation == instagraph.Aggregation.TOTAL
            assert series[1].aggregation == instagraph.Aggregation.SUM_OF_UNIQUES
            assert [(p.start, p.days) for p in series[0].points] == [(p.start, p.days) for p in series[1].points]
            assert sum(p.days for p in series[0].points) == 28 and all(p.value > 0 for p in series[0].points)
            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.account_insight_series(
                    ["views"], until - timedelta(days=200), until, instagraph.Granularity.DAILY
                )
            assert err.value.argument == "since", err.value
            # The core checks the request, naming the field, before any call.
            for metrics, since, field in [
                ([], until - timedelta(days=7), "metric"),
                (["reach"], until, "since"),
            ]:
                with pytest.raises(instagraph.InstagraphError) as err:
                    await graph.account_insights(metrics, instagraph.InsightPeriod.DAY, since, until)
                assert err.value.kind == instagraph.ErrorKind.INVALID_ARGUMENT
                assert err.value.argument == field, err.value

            # Engage: reply to a comment.
            commented = next(m for m in media if (m.comments_count or 0) > 0)
            comments = await graph.comments(commented.id)
            count = sandbox.comment_count(commented.id)
            visible = next(c for c in comments if c.hidden is not True)
            reply_id = await graph.reply_to_comment(visible.id, "Thank you!")
            assert reply_id
            assert sandbox.comment_count(commented.id) == count + 1

            # Message someone whose window is open.
            conv = next(
                c for c in sandbox.conversations() if c.ig_user_id == ig and c.window == "open"
            )
            listed = await graph.conversations()
            assert conv.id in [c.id for c in listed]
            messages = sandbox.message_count(conv.id)
            sent = await graph.send_message(conv.user_id, "We open at 8!")
            assert sent.message_id
            assert sandbox.message_count(conv.id) == messages + 1

            # A closed window is refused with the typed error.
            closed = next(
                c for c in sandbox.conversations() if c.ig_user_id == ig and c.window == "closed"
            )
            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.send_message(closed.user_id, "Hello?")
            assert err.value.kind == instagraph.ErrorKind.MESSAGING_WINDOW
            assert err.value.code is not None and err.value.fbtrace_id
        finally:
            await sandbox.stop()

    asyncio.run(go())


async def added_bakery(sandbox):
    """The manager over a memory store, and the bakery's account, connected and added."""
    store = instagraph.Store.memory(instagraph.generate_sealing_key())
    manager, connection = await connect(sandbox, store)
    ig = next(a.ig_user_id for a in connection.accounts if a.username == BAKERY)
    await manager.add(COMPANY, [ig])
    return manager, ig


def test_scheduler_runs_a_due_post_once():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            manager, ig = await added_bakery(sandbox)
            scheduler = instagraph.Scheduler(instagraph.Publisher(manager))
            post = instagraph.PostSpec(
                kind=instagraph.PostKind.IMAGE,
                items=[instagraph.PostItem(url="https://images.example.com/later.jpg")],
            )
            later = await scheduler.schedule(
                COMPANY, ig, post, datetime.now(timezone.utc) + timedelta(hours=3), "later"
            )
            due = await scheduler.schedule(
                COMPANY, ig, post, datetime.now(timezone.utc) - timedelta(seconds=1), "due"
            )
            assert later.status == due.status == instagraph.JobStatus.SCHEDULED
            report = await scheduler.run_due("worker-1")
            assert isinstance(report, instagraph.TickReport), "the core's own type"
            assert report.claimed == 1 and report.published == 1
            again = await scheduler.run_due("worker-2")
            assert again.claimed == 0
            jobs = {j.id: j for j in await scheduler.jobs(COMPANY)}
            assert jobs[due.id].status == instagraph.JobStatus.PUBLISHED and jobs[due.id].media_id
            assert jobs[later.id].status == instagraph.JobStatus.SCHEDULED
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_the_scheduler_counts_on_the_apps_publisher():
    """A publish through the app's publisher and a scheduled one share one view of the quota:
    the scheduler publishes through the publisher it is given."""

    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            manager, ig = await added_bakery(sandbox)
            publisher = instagraph.Publisher(manager)
            scheduler = instagraph.Scheduler(publisher)
            post = instagraph.PostSpec(
                kind=instagraph.PostKind.IMAGE,
                items=[instagraph.PostItem(url="https://images.example.com/now.jpg")],
            )
            await publisher.publish(COMPANY, ig, post, "now", None)
            before = await publisher.quota(COMPANY, ig)
            assert before.used >= 1 and before.remaining == before.total - before.used
            await scheduler.schedule(
                COMPANY, ig, post, datetime.now(timezone.utc) - timedelta(seconds=1), "due"
            )
            assert (await scheduler.run_due("worker-1")).published == 1
            after = await publisher.quota(COMPANY, ig)
            assert after.read_at == before.read_at, "counted, not read again"
            assert after.used == before.used + 1, "the scheduled publish counts in the app's view"
        finally:
            await sandbox.stop()

    asyncio.run(go())


def store_urls():
    """SQLite always; Postgres when CI's server is there (INSTAGRAPH_TEST_POSTGRES_URL)."""
    postgres = os.environ.get("INSTAGRAPH_TEST_POSTGRES_URL")
    return [
        "sqlite",
        pytest.param(
            postgres,
            id="postgres",
            marks=pytest.mark.skipif(not postgres, reason="INSTAGRAPH_TEST_POSTGRES_URL is not set"),
        ),
    ]


@pytest.mark.parametrize("backend", store_urls())
def test_a_stored_connection_is_there_for_a_second_store(tmp_path, backend):
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            key = instagraph.generate_sealing_key()
            url = "sqlite:" + str(tmp_path / "instagraph.db") if backend == "sqlite" else backend
            store = await instagraph.open_store(url, key)
            manager, connection = await connect(sandbox, store)
            reopened = await instagraph.open_store(url, key)
            client = instagraph.Client(
                instagraph.ClientConfig(
                    app_id=sandbox.app_id(),
                    app_secret=sandbox.app_secret(),
                    sandbox_url=sandbox.base_url(),
                )
            )
            other = instagraph.AccountManager(client, reopened)
            rows = await other.accounts(COMPANY)
            assert sorted(a.ig_user_id for a in rows) == sorted(
                a.ig_user_id for a in connection.accounts
            )
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_webhook_helpers():
    body = b'{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"comments","value":{"id":"c1","text":"hi","from":{"id":"9","username":"maya"},"media":{"id":"m1"}}}]}]}'
    header = instagraph.webhook_signature_header("secret", body)
    instagraph.webhook_verify_signature("secret", header, body)
    with pytest.raises(instagraph.InstagraphError) as err:
        instagraph.webhook_verify_signature("other", header, body)
    assert err.value.http_status == 403
    events = instagraph.webhook_parse(body)
    assert [e.kind for e in events] == ["comment"]
    assert json.loads(events[0].json)["text"] == "hi"
    echo = instagraph.webhook_verify_challenge(
        "hub.mode=subscribe&hub.challenge=42&hub.verify_token=tok", "tok"
    )
    assert echo == "42"


def test_instagram_login_connects_the_account_itself():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            client = instagraph.Client(
                instagraph.ClientConfig(
                    app_id=sandbox.app_id(),
                    app_secret=sandbox.app_secret(),
                    sandbox_url=sandbox.base_url(),
                    redirect_uri=REDIRECT,
                )
            )
            manager = instagraph.AccountManager(
                client, instagraph.Store.foreign(DictStore(), instagraph.generate_sealing_key())
            )
            start = await manager.start_connect(
                instagraph.ConnectOptions(company_id=COMPANY, login=instagraph.LoginKind.INSTAGRAM)
            )
            account = next(a for a in sandbox.accounts() if a.instagram_login)
            callback = await sandbox.consent(start.url, account.id, True)
            connection = await manager.finish_connect(callback)
            assert connection.login == instagraph.LoginKind.INSTAGRAM
            assert [a.ig_user_id for a in connection.accounts] == [account.id]
            assert connection.accounts[0].source == instagraph.AccountSource.INSTAGRAM_LOGIN

            # A denied consent comes back as the typed error, and the state cannot be reused.
            start = await manager.start_connect(
                instagraph.ConnectOptions(company_id=COMPANY, login=instagraph.LoginKind.INSTAGRAM)
            )
            denied = await sandbox.consent(start.url, account.id, False)
            with pytest.raises(instagraph.InstagraphError) as err:
                await manager.finish_connect(denied)
            assert err.value.kind == instagraph.ErrorKind.AUTH
            # Replaying the first callback: its state was used, and the error names it.
            with pytest.raises(instagraph.InstagraphError) as err:
                await manager.finish_connect(callback)
            assert err.value.kind == instagraph.ErrorKind.AUTH
            assert err.value.argument == "state"
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_an_accounts_opened_token_is_kept_between_calls():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        py_store = DictStore()
        store = instagraph.Store.foreign(py_store, instagraph.generate_sealing_key())
        try:
            _, connection = await connect(sandbox, store)
            ig = connection.accounts[0].ig_user_id
            client = sandbox_client(sandbox)

            kept = instagraph.AccountManager(client, store)
            await kept.access(COMPANY, ig)
            calls = py_store.calls
            for _ in range(5):
                await kept.access(COMPANY, ig)
            assert py_store.calls == calls, "the opened token served the calls"
            await kept.remove(COMPANY, ig)
            with pytest.raises(instagraph.InstagraphError) as err:
                await kept.access(COMPANY, ig)
            assert err.value.kind == instagraph.ErrorKind.NOT_FOUND

            other = connection.accounts[1].ig_user_id
            every = instagraph.AccountManager.with_access_cache(client, store, 0, 0)
            await every.access(COMPANY, other)
            calls = py_store.calls
            await every.access(COMPANY, other)
            assert py_store.calls > calls, "ttl 0 reads the store on every call"
        finally:
            await sandbox.stop()

    asyncio.run(go())
