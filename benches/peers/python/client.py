"""The Python clients of the peer harness (benches/peers/run.sh).

    python client.py VARIANT MODE N   VARIANT requests | pyfacebook | pyfacebook-typed | instagraph,
                                      MODE seq (one after another) | c16 (16 in flight)
    python client.py setup            connects the instagraph store once (see below)

Environment: PEERS_BASE_URL (nginx), PEERS_CACHE (the cache folder: the store is in
$PEERS_CACHE/stores), PEERS_WARMUP (default 50). Run with the cache's venv, which has the peers
and the instagraph wheel.

Every call GETs the one media page (25 media, the 13 fields), turns it into the library's own
objects (dicts, pyfacebook's dataclasses, the wheel's records), checks it holds 25 media and adds
up their like_count (the checksum run.sh checks). 16 in flight: a ThreadPoolExecutor(16) for the
synchronous libraries, 16 asyncio tasks for the wheel's async API. Prints one JSON line: client,
mode, requests, wall_s, cpu_s (getrusage(RUSAGE_SELF) over the measured part: every thread),
max_rss_kb, checksum.
"""

import asyncio
import hashlib
import hmac
import itertools
import json
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

VERSION = "v26.0"
APP_ID = "123"
APP_SECRET = "secret"
IG_USER_ID = "17841400000000001"
TOKEN = (
    "EAAGu8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfK"
    "tHF4vUCsMehGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3J"
    "rTAwR4y9ojf"
)
FIELDS = (
    "id,caption,media_type,media_product_type,media_url,permalink,shortcode,thumbnail_url,"
    "timestamp,username,like_count,comments_count,is_comment_enabled"
)
ITEMS = 25
CONCURRENCY = 16
# The store's sealing key: a fixed bench key (the store holds sandbox tokens only).
SEALING_KEY = "cGVlcnMtYmVuY2gtc2VhbGluZy1rZXktMzItYnl0ZXM="
COMPANY = "peers-co"
REDIRECT = "https://agency.example/instagram/oauth2callback"
SCOPES = [
    "instagram_basic",
    "instagram_manage_insights",
    "pages_show_list",
    "pages_read_engagement",
    "business_management",
]


def env(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"{name} is not set")
    return value


CACHE = env("PEERS_CACHE")
STORE_FILE = os.path.join(CACHE, "stores", "python.db")
STORE_META = os.path.join(CACHE, "stores", "python.json")


def checksum(items, likes):
    """The page's media, checked: their like_count summed."""
    if len(items) != ITEMS:
        raise RuntimeError(f"expected {ITEMS} media, got {len(items)}")
    return sum(likes(m) for m in items)


def pooled(session):
    """A session keeping up to 16 connections (requests' default pool keeps 10), so that 16
    threads reuse theirs: given to every requests-based client alike."""
    from requests.adapters import HTTPAdapter

    session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=CONCURRENCY))
    return session


async def setup():
    """Connects the sandbox's first user once, through the wheel's in-process sandbox, into the
    SQLite store the measured `instagraph` variant reads."""
    import instagraph

    os.makedirs(os.path.dirname(STORE_FILE), exist_ok=True)
    for suffix in ("", "-shm", "-wal"):
        if os.path.exists(STORE_FILE + suffix):
            os.remove(STORE_FILE + suffix)
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
        store = await instagraph.open_store("sqlite:" + STORE_FILE, SEALING_KEY)
        manager = instagraph.AccountManager(client, store)
        start = await manager.start_connect(
            instagraph.ConnectOptions(
                company_id=COMPANY, login=instagraph.LoginKind.FACEBOOK, scopes=SCOPES
            )
        )
        callback = await sandbox.consent(start.url, sandbox.users()[0].id, True)
        connection = await manager.finish_connect(callback)
        if not connection.accounts:
            raise RuntimeError("the sandbox connection discovered no IG account")
        with open(STORE_META, "w") as meta:
            json.dump(
                {
                    "app_id": sandbox.app_id(),
                    "app_secret": sandbox.app_secret(),
                    "ig_user_id": connection.accounts[0].ig_user_id,
                },
                meta,
            )
        print(
            f"python store: {len(connection.accounts)} accounts of {COMPANY} in {STORE_FILE}",
            file=sys.stderr,
        )
    finally:
        await sandbox.stop()


def sync_variant(name, base):
    """The one call of a synchronous library (returns its checksum)."""
    if name == "requests":
        import requests

        # What a service writes by hand: a Session, the proof per call, `.json()`.
        session = pooled(requests.Session())
        url = f"{base}/graph.facebook.com/{VERSION}/{IG_USER_ID}/media"
        secret = APP_SECRET.encode()

        def call():
            proof = hmac.new(secret, TOKEN.encode(), hashlib.sha256).hexdigest()
            params = {
                "fields": FIELDS,
                "limit": ITEMS,
                "access_token": TOKEN,
                "appsecret_proof": proof,
            }
            response = session.get(url, params=params)
            response.raise_for_status()
            return checksum(response.json()["data"], lambda m: m["like_count"])

        return call
    # python-facebook-api: `base_url` replaces https://graph.facebook.com/ (the version is its
    # newest, appended by the library); it signs every call with appsecret_proof.
    graph_url = f"{base}/graph.facebook.com/"
    if name == "pyfacebook":
        from pyfacebook import GraphAPI

        api = GraphAPI(app_id=APP_ID, app_secret=APP_SECRET, access_token=TOKEN, base_url=graph_url)
        pooled(api.session)

        def call():
            page = api.get_connection(
                object_id=IG_USER_ID, connection="media", fields=FIELDS, limit=ITEMS
            )
            return checksum(page["data"], lambda m: m["like_count"])

        return call
    if name == "pyfacebook-typed":
        from pyfacebook import IGBusinessApi

        api = IGBusinessApi(
            app_id=APP_ID,
            app_secret=APP_SECRET,
            access_token=TOKEN,
            instagram_business_id=IG_USER_ID,
            base_url=graph_url,
        )
        pooled(api.session)

        def call():
            # count=ITEMS: one page (the page has no `next`, so none is followed either way);
            # answers an IgBusMediaResponse of IgBusMedia dataclasses.
            page = api.user.get_media(fields=FIELDS, count=ITEMS, limit=ITEMS)
            return checksum(page.data, lambda m: m.like_count)

        return call
    raise SystemExit(
        f"unknown VARIANT {name} (requests, pyfacebook, pyfacebook-typed, instagraph)"
    )


def sync_issue(call, mode, n, pool):
    """`n` calls, one after another or 16 in flight on the pool; the sum of their checksums."""
    if mode == "seq":
        return sum(call() for _ in range(n))
    taken = itertools.count()

    def worker():
        total = 0
        while next(taken) < n:  # next() on a count is atomic under the GIL
            total += call()
        return total

    return sum(f.result() for f in [pool.submit(worker) for _ in range(CONCURRENCY)])


async def instagraph_call(base):
    """A second Client, at nginx, and a manager over the store `setup` filled: every call looks
    the account up in the store and opens its token's seal (`access`), then lists the media."""
    import instagraph

    with open(STORE_META) as meta:
        known = json.load(meta)
    client = instagraph.Client(
        instagraph.ClientConfig(
            app_id=known["app_id"], app_secret=known["app_secret"], sandbox_url=base
        )
    )
    manager = instagraph.AccountManager(
        client, await instagraph.open_store("sqlite:" + STORE_FILE, SEALING_KEY)
    )
    ig_user_id = known["ig_user_id"]

    async def call():
        graph = await manager.access(COMPANY, ig_user_id)
        return checksum(await graph.media(ITEMS), lambda m: m.like_count)

    return call


async def async_issue(call, mode, n):
    if mode == "seq":
        total = 0
        for _ in range(n):
            total += await call()
        return total
    taken = itertools.count()

    async def worker():
        total = 0
        while next(taken) < n:
            total += await call()
        return total

    return sum(await asyncio.gather(*(worker() for _ in range(CONCURRENCY))))


def usage():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_maxrss


def report(name, mode, n, wall, cpu, total):
    print(
        json.dumps(
            {
                "client": f"python-{name}",
                "mode": mode,
                "requests": n,
                "wall_s": wall,
                "cpu_s": cpu,
                "max_rss_kb": usage()[1],
                "checksum": total,
            }
        )
    )


def measure_sync(name, mode, n, warmup, base):
    call = sync_variant(name, base)
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        sync_issue(call, mode, warmup, pool)
        cpu0, t0 = usage()[0], time.perf_counter()
        total = sync_issue(call, mode, n, pool)
        wall, cpu = time.perf_counter() - t0, usage()[0] - cpu0
    report(name, mode, n, wall, cpu, total)


async def measure_async(mode, n, warmup, base):
    call = await instagraph_call(base)
    await async_issue(call, mode, warmup)
    cpu0, t0 = usage()[0], time.perf_counter()
    total = await async_issue(call, mode, n)
    wall, cpu = time.perf_counter() - t0, usage()[0] - cpu0
    report("instagraph", mode, n, wall, cpu, total)


def main(argv):
    if argv[:1] == ["setup"]:
        asyncio.run(setup())
        return
    if len(argv) != 3 or argv[1] not in ("seq", "c16"):
        raise SystemExit("usage: client.py VARIANT seq|c16 N")
    name, mode, n = argv[0], argv[1], int(argv[2])
    warmup = int(os.environ.get("PEERS_WARMUP", "50"))
    base = env("PEERS_BASE_URL").rstrip("/")
    if name == "instagraph":
        asyncio.run(measure_async(mode, n, warmup, base))
    else:
        measure_sync(name, mode, n, warmup, base)


if __name__ == "__main__":
    main(sys.argv[1:])
