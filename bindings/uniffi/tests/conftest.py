"""Puts the generated Python bindings (bindings/uniffi/generated/python, made by
build-bindings.sh) on the path, and gives the tests a Python-implemented store and the
connection of the sandbox's first user."""

import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATED = os.path.join(HERE, "..", "generated", "python")
if not os.path.exists(os.path.join(GENERATED, "instagraph", "__init__.py")):
    raise RuntimeError("run bindings/uniffi/build-bindings.sh first (no generated bindings)")
sys.path.insert(0, GENERATED)

import instagraph  # noqa: E402


class DictStore(instagraph.ForeignStore):
    """An app's storage, here one dict. Every method is atomic (one lock), as the ForeignStore
    contract asks; the SDK keeps every other rule."""

    def __init__(self):
        self.rows = {}
        self.lock = threading.Lock()
        self.calls = 0

    def get(self, key):
        with self.lock:
            self.calls += 1
            return self.rows.get(key)

    def scan(self, prefix):
        with self.lock:
            self.calls += 1
            rows = self.rows.items()
            return [instagraph.KeyValue(key=k, value=v) for k, v in rows if k.startswith(prefix)]

    def compare_and_swap(self, key, expected, next):
        with self.lock:
            self.calls += 1
            if self.rows.get(key) != expected:
                return False
            if next is None:
                self.rows.pop(key, None)
            else:
                self.rows[key] = next
            return True

    def values(self, prefix):
        """The values under `prefix` (the core's layout: `tokens/`, `accounts/`, `jobs/`...)."""
        return [v for k, v in self.rows.items() if k.startswith(prefix)]


COMPANY = "acme-agency"
REDIRECT = "https://agency.example/instagram/oauth2callback"
BAKERY = "alice.bakery"
SCOPES = [
    "public_profile",
    "email",
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_metadata",
    "pages_messaging",
    "business_management",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
]


async def connect(sandbox, store):
    client = instagraph.Client(
        instagraph.ClientConfig(
            app_id=sandbox.app_id(),
            app_secret=sandbox.app_secret(),
            sandbox_url=sandbox.base_url(),
            redirect_uri=REDIRECT,
        )
    )
    manager = instagraph.AccountManager(client, store)
    start = await manager.start_connect(
        instagraph.ConnectOptions(
            company_id=COMPANY, login=instagraph.LoginKind.FACEBOOK, scopes=SCOPES
        )
    )
    assert start.url.startswith(sandbox.base_url())
    alice = sandbox.users()[0]
    assert alice.name.startswith("Alice")
    callback = await sandbox.consent(start.url, alice.id, True)
    assert callback.startswith(REDIRECT) and "code=" in callback
    connection = await manager.finish_connect(callback)
    return manager, connection
