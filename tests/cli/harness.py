"""Shared fixtures for the CLI suites: run the real mlops binary in a private temporary directory.

MLOPS_BIN names the binary (ctest sets it); MLOPS_UPDATE_GOLDEN=1 rewrites golden files instead of
comparing against them.

MLOPS_TEST_VIA=server runs the same suite through a server: each test gets `mlops server run` over
its store, and every command a test runs against the store goes through a context for that server
instead (commands that only make sense beside a store, like 'store gc', still use the store). The
output must be the same; errors lose only the "(server URL, context NAME)" they gain.
"""
import hashlib
import os
import re
import select
import shutil
import signal
import sqlite3
import stat
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("MLOPS_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
BIN = os.path.abspath(os.environ.get("MLOPS_BIN", os.path.join(SOURCE_DIR, "build", "cli", "mlops")))
GOLDEN = os.path.join(HERE, "golden")
UPDATE = os.environ.get("MLOPS_UPDATE_GOLDEN") == "1"
VIA_SERVER = os.environ.get("MLOPS_TEST_VIA") == "server"
# Commands run beside the store even through a server: the server's host administers it, and
# 'ion run' runs where the runtime is (through a server, on agents, which these suites have none of).
BESIDE_THE_STORE = {"init", "store", "token", "certs", "server", "agent run", "agent join", "ion run", "stats prune"}
SERVER_SUFFIX = re.compile(r" \(server https://127\.0\.0\.1:[0-9]+, context via(-[a-z0-9]+)?\)")
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "WARNING: ThreadSanitizer")


class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_snapshot(root):
    """{relative path: (kind, mode, sha256 or None)} for everything under root."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            rel = os.path.relpath(full, root)
            if stat.S_ISDIR(st.st_mode):
                snap[rel] = ("dir", stat.S_IMODE(st.st_mode), None)
            else:
                snap[rel] = ("file", stat.S_IMODE(st.st_mode), sha256_file(full))
    return snap


class MlopsTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mlops-test-")
        os.chmod(self.tmp, 0o755)
        self.store = os.path.join(self.tmp, "store")
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.path.join(self.tmp, "home"),
            "XDG_DATA_HOME": os.path.join(self.tmp, "xdg"),
            "MLOPS_ACTOR": "tester",
            "LANG": "C.UTF-8",
        }
        for key in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"):
            if key in os.environ:
                self.env[key] = os.environ[key]

    def tearDown(self):
        if getattr(self, "_server", None):
            self._stop_server()
        subprocess.run(["chmod", "-R", "u+rwX", self.tmp], check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _through_server(self, args):
        words = [a for a in map(str, args) if not a.startswith("-")][:2]
        return VIA_SERVER and words and words[0] not in BESIDE_THE_STORE and " ".join(words) not in BESIDE_THE_STORE

    def _start_server(self):
        """The store's server, and a context 'via' for it holding an admin token named as the actor."""
        self._tls = self.path("server-tls")
        self._direct(["certs", "init", "--dir", self._tls, "--host", "127.0.0.1", "-q"])
        self._server = subprocess.Popen(
            [BIN, "--store", self.store, "server", "run", "--listen", "127.0.0.1:0", "--tls-dir", self._tls],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        ready, _, _ = select.select([self._server.stdout], [], [], 30)
        line = self._server.stdout.readline() if ready else ""
        if not line.startswith("server listening on "):
            self._server.kill()
            err = self._server.communicate()[1]
            self._server = None
            self.fail("the server did not start within 30 s: " + err)
        self._url = line.split()[-1]
        self._contexts = set()
        self._context_for(self.env["MLOPS_ACTOR"])

    def _context_for(self, actor):
        """Through a server, who acts is the token's holder: one context per MLOPS_ACTOR a test uses."""
        name = "via" if actor == self.env["MLOPS_ACTOR"] else "via-" + actor
        if name not in self._contexts:
            token = self._direct(["token", "create", "--role", "admin", "--name", actor, "-q"]).strip()
            self._direct(["context", "add", name, "--server", self._url, "--ca", os.path.join(self._tls, "ca.crt"),
                          "--token", token, "-q"], store=False)
            self._contexts.add(name)
        return name

    def _stop_server(self):
        self._server.send_signal(signal.SIGTERM)
        try:
            _, err = self._server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self._server.kill()
            self._server.communicate()
            self._server = None
            self.fail("the server did not stop within 30 s of SIGTERM")
        for marker in SANITIZER_MARKERS:
            self.assertNotIn(marker, err, "sanitizer report from the server")
        self._server = None

    def _direct(self, args, store=True):
        argv = [BIN] + (["--store", self.store] if store else []) + args
        p = subprocess.run(argv, capture_output=True, text=True, env=self.env, cwd=self.tmp, timeout=60)
        self.assertEqual(p.returncode, 0, f"{argv}: {p.stderr}")
        return p.stdout

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def run_mlops(self, *args, store=True, env=None, cwd=None, prefix=(), timeout=300):
        via = store is True and self._through_server(args)
        if via and not getattr(self, "_server", None):
            self._start_server()
        actor = (env or {}).get("MLOPS_ACTOR", self.env["MLOPS_ACTOR"])
        where = ["--context", self._context_for(actor)] if via else ["--store", self.store] if store is True else []
        argv = list(prefix) + [BIN] + where + [str(a) for a in args]
        full_env = dict(self.env, **(env or {}))
        p = subprocess.run(argv, capture_output=True, text=True, env=full_env, cwd=cwd or self.tmp, timeout=timeout)
        for marker in SANITIZER_MARKERS:
            self.assertNotIn(marker, p.stderr, f"sanitizer report from {args}")
        return Result(p.returncode, p.stdout, SERVER_SUFFIX.sub("", p.stderr) if via else p.stderr)

    def ok(self, *args, **kw):
        r = self.run_mlops(*args, **kw)
        self.assertEqual(r.code, 0, f"mlops {' '.join(map(str, args))} failed: {r.err}")
        return r.out

    def fails(self, code, *args, **kw):
        r = self.run_mlops(*args, **kw)
        self.assertEqual(r.code, code, f"mlops {' '.join(map(str, args))}: {r}")
        self.assertEqual(r.out, "", "errors go to stderr only")
        return r.err

    def write(self, rel, data, mode=0o644):
        full = self.path(rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        os.chmod(full, mode)
        return full

    def blobs(self, store=None):
        """Digests of every blob in the store."""
        base = os.path.join(store or self.store, "blobs", "sha256")
        out = set()
        for fan in os.listdir(base):
            for rest in os.listdir(os.path.join(base, fan)):
                out.add(fan + rest)
        return out

    def blob_path(self, digest):
        digest = digest.removeprefix("sha256:")
        return os.path.join(self.store, "blobs", "sha256", digest[:2], digest[2:])

    def forget_client_cache(self):
        """What a client on another machine has: nothing fetched yet (through a server only)."""
        shutil.rmtree(os.path.join(self.env["HOME"], ".cache", "mlops"), ignore_errors=True)

    def store_state(self):
        """Everything observable about the store: blob files and the catalog's logical content."""
        if VIA_SERVER and not getattr(self, "_server", None) and os.path.exists(self.store):
            self._start_server()  # its tokens are there before, not made by what the test checks
        snap = {k: v for k, v in tree_snapshot(self.store).items()
                if not k.startswith("catalog.db") and k != "lock"}
        db = sqlite3.connect(os.path.join(self.store, "catalog.db"))
        try:
            rows = list(db.iterdump())
        finally:
            db.close()
        if VIA_SERVER:  # the harness's own tokens, one per actor a test uses, are made on first use
            rows = [r for r in rows if not r.startswith('INSERT INTO "tokens"')]
        return snap, rows

    def expect_file(self, path, text):
        """Compare with (or, with MLOPS_UPDATE_GOLDEN=1, rewrite) a file of expected output."""
        if UPDATE:
            with open(path, "w") as f:
                f.write(text)
            return
        self.assertTrue(os.path.exists(path), f"missing {path}: run with MLOPS_UPDATE_GOLDEN=1")
        with open(path) as f:
            self.assertEqual(text, f.read(), f"{path} differs (MLOPS_UPDATE_GOLDEN=1 rewrites it)")

    def golden(self, name, text):
        path = os.path.join(GOLDEN, name)
        if UPDATE:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
            return
        self.assertTrue(os.path.exists(path), f"missing golden file {name}: run with MLOPS_UPDATE_GOLDEN=1")
        with open(path) as f:
            self.assertEqual(text, f.read(), f"golden file {name} differs (MLOPS_UPDATE_GOLDEN=1 rewrites it)")


def beside_the_store(reason):
    """For a test of what only a local store shows (its files, its absence): skipped through a server."""
    return unittest.skipIf(VIA_SERVER, "local store only: " + reason)


def main():
    unittest.main(verbosity=2)
