"""Shared helpers for the CLI tests: run the built binary on temporary data.

Every expected figure in a test comes from the fixture the test builds; these
helpers only build fixtures, run the binary and read what it printed.
"""

import calendar
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("THD_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "trade-history-discover")

NOW_ISO = "2026-11-22T12:00:00Z"
NOW = calendar.timegm(time.strptime(NOW_ISO, "%Y-%m-%dT%H:%M:%SZ"))
DAY = 86400
HOUR = 3600
SOURCE = os.environ.get("THD_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class DuplicateKeyError(ValueError):
    """A JSON object with the same key twice: the tool's documents never hold one (issue 9, item 5)."""


def _refuse_duplicate_keys(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKeyError("duplicate key %r in a JSON object" % key)
        obj[key] = value
    return obj


_json_loads = json.loads


def strict_loads(s, *args, **kw):
    """json.loads that refuses an object with a repeated key (unless the caller has its own hook)."""
    # json.load passes both hooks as None.
    if kw.get("object_pairs_hook") is None and kw.get("object_hook") is None and not args:
        kw["object_pairs_hook"] = _refuse_duplicate_keys
    return _json_loads(s, *args, **kw)


# Every test imports this module, and every JSON document a test reads goes through json.loads
# (json.load calls it too): the duplicate-key check guards them all, whichever helper reads them.
json.loads = strict_loads

SERVICES = ["yahoo_finance", "fmp", "alpha_vantage", "fred_economic", "sec_edgar", "coingecko", "imf_data"]
ERROR_PREFIX = "trade-history-discover: error: "


def iso(t):
    """Unix time -> 2026-11-22T12:00:00Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def parse_iso(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


def md5_name(service, key):
    """The cache file name of SPEC 5.1: md5hex(service + "_" + key) + ".json"."""
    return hashlib.md5((service + "_" + key).encode()).hexdigest() + ".json"


def clean_env(**extra):
    """The inherited environment without THD_* variables, with a pinned "now"."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("THD_")}
    env["THD_NOW"] = NOW_ISO
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


def write_file(path, content, mtime=None):
    """Writes text or bytes, creating parents; `mtime` (unix time) sets atime and mtime."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    with open(path, "wb") as f:
        f.write(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def entry_json(service, key, created_at, ttl_seconds, data):
    return json.dumps({"service": service, "key": key, "created_at": iso(created_at),
                       "ttl_seconds": ttl_seconds, "data": data}, indent=1)


def write_entry(cache_dir, service, key, created_at, ttl_seconds, data=None, mtime=None):
    """A well-formed entry under <cache>/<service>/<md5>.json; returns its path."""
    if data is None:
        data = {"key": key, "value": 1}
    path = os.path.join(cache_dir, service, md5_name(service, key))
    return write_file(path, entry_json(service, key, created_at, ttl_seconds, data), mtime)


def snapshot(root):
    """Every path under root with type, mode, size, mtime (ns) and content."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, root)
            if os.path.isdir(path):
                snap[rel] = ("dir", st.st_mode, st.st_mtime_ns)
            else:
                with open(path, "rb") as f:
                    snap[rel] = ("file", st.st_mode, st.st_size, st.st_mtime_ns, f.read())
    return snap


def file_size(path):
    return os.path.getsize(path)


SCHEMA_DIR = os.path.join(os.environ.get("THD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                          "schemas")
_validators = {}  # schema file name -> schema


def validate_report(doc, command):
    """Validates a --report json document against schemas/<command>.schema.json (draft 2020-12)."""
    import jsonschema  # Debian's python3-jsonschema, installed by scripts/lib/deps.sh
    if not _validators:
        for name in os.listdir(SCHEMA_DIR):
            with open(os.path.join(SCHEMA_DIR, name)) as f:
                _validators[name] = json.load(f)
    schema = _validators[command + ".schema.json"]
    jsonschema.Draft202012Validator.check_schema(schema)
    # "$ref": "inventory.schema.json" resolves to the file beside it. A resolver per document: a
    # shared one can be left in the other file's scope by a validation that did not run to its end,
    # and the next document's "#/$defs/..." then fails to resolve.
    resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema,
                                      store={s["$id"]: s for s in _validators.values()})
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        raise AssertionError("%s report does not match its schema:\n%s" % (
            command, "\n".join("%s: %s" % ("/".join(map(str, e.path)), e.message) for e in errors[:10])))


class ThdTestCase(unittest.TestCase):
    """One temporary directory per test; `self.tmp` is its path."""

    maxDiff = None

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="thd-cli-")
        self.addCleanup(self._tmp.cleanup)
        self.tmp = os.path.realpath(self._tmp.name)

    def thd(self, *args, env=None, cwd=None, user=None, timeout=60):
        """Runs the binary; cwd defaults to the temp dir so no stray config file is read."""
        cmd = [BIN] + [str(a) for a in args]
        if user is not None:
            cmd = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + cmd
        return subprocess.run(cmd, env=env if env is not None else clean_env(), cwd=cwd or self.tmp,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)

    def describe(self, r):
        return "command: %s\nexit: %d\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(r.args), r.returncode, r.stdout[-4000:], r.stderr[-4000:])

    def assert_ok(self, r):
        self.assertEqual(r.returncode, 0, self.describe(r))

    def thd_json(self, *args, **kw):
        r = self.thd(*args, **kw)
        self.assert_ok(r)
        try:
            doc = json.loads(r.stdout)
        except ValueError as e:
            self.fail("stdout is not JSON (%s)\n%s" % (e, self.describe(r)))
        words = [str(a) for a in args]
        for command, schema in (("inventory", "inventory"), ("cache-optimize", "cache-optimize"),
                                ("run", "discovery")):
            if command in words:
                validate_report(doc, schema)
        return doc, r

    def assert_error(self, r, code, *needles):
        """Exit `code`, exactly one stderr line with the error prefix, naming each needle."""
        self.assertEqual(r.returncode, code, self.describe(r))
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, "expected exactly one line on stderr\n" + self.describe(r))
        self.assertTrue(lines[0].startswith(ERROR_PREFIX), self.describe(r))
        for needle in needles:
            self.assertIn(needle, lines[0], self.describe(r))
        return lines[0]


class PortfolioTestCase(ThdTestCase):
    """A data dir (with raw/trade_history/) and a cache dir of its own per test; write_csv() puts a
    portfolio CSV there."""

    def setUp(self):
        super().setUp()
        self.data = os.path.join(self.tmp, "data")
        self.cache = os.path.join(self.tmp, "cache")
        os.makedirs(os.path.join(self.data, "raw", "trade_history"))
        os.makedirs(self.cache)

    def csv_path(self, name="pf"):
        return os.path.join(self.data, "raw", "trade_history", name + ".csv")

    def write_csv(self, content, name="pf"):
        return write_file(self.csv_path(name), content)


class FakeServicesTestCase(ThdTestCase):
    """A test against the fake services (scripts/fake_services.py): one server
    per class (`latency_ms` injected), reset before each test. `self.data` is a
    copy of the bundled inputs (data/raw, and data/outputs without earlier
    documents unless `copy_outputs` is False), `self.cache` a cache directory
    that does not exist yet. `realistic = True` runs the fake in realistic mode
    (the free plans' limits and refusals), with the parameters in `realism`
    (a dict, see scripts/fake_services.py), restored before each test."""

    latency_ms = 0
    copy_outputs = True
    realistic = False
    realism = None

    @classmethod
    def setUpClass(cls):
        from fakeserver import FakeServer
        cls.server = FakeServer(latency_ms=cls.latency_ms)
        if cls.realistic:
            cls.set_realism()

    @classmethod
    def set_realism(cls, **params):
        """POST /__realism: realistic mode with the class's `realism` parameters, then `params`."""
        spec = dict(cls.realism or {}, enabled=True)
        spec.update(params)
        return cls.server._post("/__realism", spec)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        super().setUp()
        self.server.reset()
        if self.realistic:
            self.set_realism()
        self.data = os.path.join(self.tmp, "data")
        # The bundled inputs only: a demo run leaves outputs/trade_history and cache/ in data/ (ignored by git).
        for part in ("raw", "outputs") if self.copy_outputs else ("raw",):
            shutil.copytree(os.path.join(SOURCE, "data", part), os.path.join(self.data, part),
                            ignore=shutil.ignore_patterns("trade_history" if part == "outputs" else "-"))
        self.cache = os.path.join(self.tmp, "cache")

    def service_urls(self, base=None):
        """THD_<SERVICE>_BASE_URL for every service (and SEC's tickers file) at `base` (the fake's)."""
        base = base or self.server.base
        urls = {"THD_%s_BASE_URL" % s.upper(): "%s/%s" % (base, s) for s in SERVICES}
        urls["THD_SEC_EDGAR_TICKERS_URL"] = "%s/sec_edgar/files/company_tickers.json" % base
        return urls
