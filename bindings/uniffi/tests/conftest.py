"""Finds the `instagraph` package, and gives the tests a Python-implemented store and the
connection of the sandbox's first user.

`instagraph` comes from the dev build's generated bindings (bindings/uniffi/generated/python,
made by build-bindings.sh) when they are beside these tests, else from wherever it is installed:
installed/python.sh runs a copy of these tests, outside the source tree, against the wheel
installed in a fresh venv, and sets INSTAGRAPH_EXPECT_INSTALLED_UNDER to that venv so that a
package from anywhere else fails the run."""

import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATED = os.path.join(HERE, "..", "generated", "python")
if os.path.exists(os.path.join(GENERATED, "instagraph", "__init__.py")):
    sys.path.insert(0, GENERATED)

try:
    import instagraph  # noqa: E402
except ImportError as missing:
    raise RuntimeError(
        "no instagraph package: run bindings/uniffi/build-bindings.sh --testing, or install the wheel"
    ) from missing

EXPECTED_PREFIX = os.environ.get("INSTAGRAPH_EXPECT_INSTALLED_UNDER")
if EXPECTED_PREFIX:
    location = os.path.realpath(instagraph.__file__)
    if not location.startswith(os.path.realpath(EXPECTED_PREFIX) + os.sep):
        raise RuntimeError(f"instagraph was imported from {location}, not from {EXPECTED_PREFIX}")


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


def sandbox_client(sandbox):
    """A client of the sandbox's app."""
    return instagraph.Client(
        instagraph.ClientConfig(
            app_id=sandbox.app_id(),
            app_secret=sandbox.app_secret(),
            sandbox_url=sandbox.base_url(),
            redirect_uri=REDIRECT,
        )
    )


async def connect(sandbox, store):
    client = sandbox_client(sandbox)
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
