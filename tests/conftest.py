"""Shared fixtures: a fresh database per test, a client, and signed-in users.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://app@127.0.0.1:55432/postgres) to run
the same suite against a database server; the default is a throwaway SQLite file per
test, copied from an empty schema built once per process (copying a file takes a
millisecond; building the schema took 60 ms of CPU per test). On a server the schema is
built once per run and every table is emptied (TRUNCATE ... RESTART IDENTITY CASCADE)
before each test, which is much faster than dropping and creating the tables each time.
The server's database is wiped: never point TEST_DATABASE_URL at one you care about.

Run in parallel (pytest-xdist, ``-n 2``; scripts/test does), each worker process has its
own SQLite files under its own tmp_path, and on a server its own database next to
TEST_DATABASE_URL's, named after the worker (``postgres_gw0``, ``postgres_gw1``...),
created at the start and dropped at the end.
"""

from __future__ import annotations

import os
import shutil

import jinja2
import pytest
import sqlalchemy as sa
from flask import g

from scoring import create_app
from scoring.extensions import db
from scoring.models import Role

from . import axe_audits
from .helpers import gen_procurement, gen_user, sign_in

TEST_SECRET_KEY = "test-secret-key"


def _xdist_worker() -> str | None:
    """This process's pytest-xdist worker id ("gw0", "gw1"...), or None when not run in parallel."""
    return os.environ.get("PYTEST_XDIST_WORKER") or None


#: The services that committed their own change before the request and command boundary
#: (scoring/transaction.py) took that over; tests call them directly and rely on it.
SERVICES_THAT_COMMITTED = {
    "accounts": ["authenticate"],
    "assignments": ["remove_assignment", "set_assignments", "withdraw_conflict"],
    "demo": ["seed_demo"],
    "demo_region": ["seed_region"],
    "documents": ["save_response", "store_document", "delete_document"],
    "evaluation": ["declare_conflicts", "save_score", "submit_scores", "reopen_scores"],
    "finalise": ["finalise"],
    "importer": ["import_procurement"],
    "moderation": ["record_consensus", "record_acceptance", "accept_section"],
    "paper": ["enter_paper_scores", "record_paper_declarations"],
    "pricing": ["set_prices"],
    "setup": [
        "update_procurement",
        "set_scale",
        "update_section",
        "delete_section",
        "set_weights",
        "update_bidder",
        "close_scoring",
        "return_to_scoring",
    ],
    "whatif": ["save_scenario", "apply_scenario"],
}


def _each_direct_service_call_is_a_unit_of_work() -> None:
    """Services never commit: the request or command that calls them does (scoring/transaction.py).

    A test that calls one of the services that used to commit stands where a request would, so
    such a call (outside any request or command) commits when it returns and rolls back when it
    raises, as the boundary would. Done at import, before the test modules bind
    ``from scoring.services.x import f``; calls made by the app itself are left alone.
    """
    import functools
    import importlib
    import inspect
    import pkgutil

    import scoring.services
    from scoring import transaction

    def unit(function):
        @functools.wraps(function)
        def called_from_a_test(*args, **kwargs):
            if transaction.active():
                return function(*args, **kwargs)
            with transaction.unit_of_work():
                return function(*args, **kwargs)

        return called_from_a_test

    targets = {}
    for module_name, names in SERVICES_THAT_COMMITTED.items():
        module = importlib.import_module(f"scoring.services.{module_name}")
        for name in names:
            function = getattr(module, name)
            targets[id(function)] = unit(function)
    for info in pkgutil.walk_packages(scoring.services.__path__, "scoring.services."):
        module = importlib.import_module(info.name)
        for name, value in list(vars(module).items()):
            if inspect.isfunction(value) and id(value) in targets:
                setattr(module, name, targets[id(value)])


_each_direct_service_call_is_a_unit_of_work()


def server_database_url() -> str | None:
    """The database on the server that this process's tests use, or None for SQLite.

    Each xdist worker gets a database of its own beside TEST_DATABASE_URL's (same server,
    the name with "_gw0" and so on added), since every test empties every table.
    """
    url = os.environ.get("TEST_DATABASE_URL") or None
    worker = _xdist_worker()
    if url is None or worker is None:
        return url
    parsed = sa.engine.make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "postgresql: needs a PostgreSQL server (TEST_DATABASE_URL); deselected on SQLite"
    )


def pytest_collection_modifyitems(config, items):
    """Deselect PostgreSQL-only tests on the SQLite pass; scripts/test runs them on its PostgreSQL pass.

    Deselecting rather than skipping keeps "skipped" meaning something went missing.
    """
    url = server_database_url()
    if url is not None and url.startswith("postgresql"):
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


def pytest_sessionfinish(session):
    """An xdist worker hands its axe audits to the controller (see tests/axe_audits.py)."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["axe_audits"] = list(axe_audits.AUDITS)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: the suite also runs without xdist
def pytest_testnodedown(node, error):
    axe_audits.AUDITS.extend(getattr(node, "workeroutput", {}).get("axe_audits", []))


def pytest_terminal_summary(terminalreporter):
    axe_audits.write_summary(terminalreporter)


def pytest_report_header(config):
    url = server_database_url()
    if url is None:
        return "database: SQLite, a throwaway file per test (set TEST_DATABASE_URL for a server)"
    return f"database: {sa.engine.make_url(url).render_as_string(hide_password=True)} (TEST_DATABASE_URL)"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """Hash test passwords with small scrypt parameters: sign-in is ~60 times faster.

    The parameters are stored in each hash, so checking (here or in a gunicorn
    worker started by a test) uses the same cheap settings. Production code is untouched.
    """
    import scoring.models as models

    real = models.generate_password_hash

    def cheap(password, method="scrypt", salt_length=16):
        if method == "scrypt":
            method = "scrypt:1024:8:1"
        return real(password, method=method, salt_length=salt_length)

    models.generate_password_hash = cheap
    yield
    models.generate_password_hash = real


class _SharedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates shared by every test's app (compiling them was most of a test's time).

    Entries are keyed by the template's source checksum, so an edited template recompiles.
    """

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = _SharedBytecodeCache()


def _worker_database(base_url: str, url: str, *, create: bool) -> None:
    """Drop this worker's database on the server, and create it again if ``create``."""
    name = sa.engine.make_url(url).database
    quoted = '"' + name.replace('"', '""') + '"'
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            # WITH (FORCE) (PostgreSQL 13+) ends connections a crashed earlier run left open.
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            if create:
                connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def server_schema():
    """On a database server, build the schema once for the whole run; None on SQLite."""
    url = server_database_url()
    if url is None:
        yield None
        return
    base_url = os.environ["TEST_DATABASE_URL"]
    if url != base_url:
        _worker_database(base_url, url, create=True)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET_KEY})
    with app.app_context():
        with db.engine.begin() as connection:
            # Whatever an earlier run or another schema version left behind goes too.
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        db.create_all()
        db.engine.dispose()
    yield url
    if url != base_url:
        _worker_database(base_url, url, create=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An empty SQLite database with the whole schema, built once per process; tests copy it."""
    path = tmp_path_factory.mktemp("schema") / "empty.sqlite"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": TEST_SECRET_KEY})
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()  # the last connection closing folds the WAL into the file
    return path


def _empty_every_table() -> None:
    preparer = db.engine.dialect.identifier_preparer
    names = ", ".join(preparer.format_table(t) for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))


def _forget_cached_user() -> None:
    g.pop("_login_user", None)


@pytest.fixture
def app(tmp_path, server_schema, request):
    if server_schema:
        url = server_schema
    else:
        database = tmp_path / "test.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), database)
        url = f"sqlite:///{database}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            # Never the shared instance/outbox/, which parallel workers would all write to.
            "MAIL_OUTBOX_FOLDER": str(tmp_path / "outbox"),
            "SECRET_KEY": TEST_SECRET_KEY,
        }
    )
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    # The test keeps one app context open, and Flask reuses it for every request, so
    # flask_login's per-request cache of the signed-in user (g._login_user) would leak
    # from one test client to the next. Forget it first thing in each request.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_user)
    with app.app_context():
        if server_schema:
            # Before, not after, the test: a test that failed half-way cannot leak rows.
            _empty_every_table()
        yield app
        db.session.remove()
        # Close this test's connections now rather than at garbage collection,
        # so a long run never exhausts the server's connection limit.
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def lead(app):
    return gen_user(Role.LEAD, "Lee Lead")


@pytest.fixture
def rep(app):
    return gen_user(Role.PATIENT, "Pat Patel")


@pytest.fixture
def panel(app):
    return gen_user(Role.PANEL, "Morgan Panel")


@pytest.fixture
def procurement(app, lead, rep, panel):
    return gen_procurement(lead=lead, evaluators=[rep, panel])


@pytest.fixture
def rep_client(client, rep):
    sign_in(client, rep)
    return client
