"""The pieces of a deployment: certificates made by 'certs init' (checked with OpenSSL's own tools and
a real TLS handshake), tokens, and 'server run' on the loopback over HTTPS, driven by Python's ssl
and urllib as any client would."""
import base64
import hashlib
import json
import os
import select
import signal
import socket
import socketserver
import sqlite3
import ssl
import stat
import subprocess
import threading
import time
import unittest
import urllib.error
import urllib.request

import harness
import schema_check

SCHEMA = json.load(open(os.path.join(harness.SOURCE_DIR, "schemas", "output.schema.json")))
try:
    import yaml  # python3-yaml, from scripts/setup
    OPENAPI = yaml.safe_load(open(os.path.join(harness.SOURCE_DIR, "schemas", "openapi.yaml")))
except ImportError:
    OPENAPI = None


def operation(path, method):
    """The OpenAPI path template and operation a request path falls under, or (None, None)."""
    path = path.split("?")[0]
    for template, ops in OPENAPI["paths"].items():
        parts, want = path.strip("/").split("/"), template.strip("/").split("/")
        if len(parts) == len(want) and all(w.startswith("{") or w == p for w, p in zip(want, parts)):
            return template, ops.get(method.lower())
    return None, None


def response_errors(path, method, code, headers, body):
    """What in a response the OpenAPI description does not allow."""
    template, op = operation(path, method)
    if op is None:
        return [f"{method} {path}: not in schemas/openapi.yaml"]
    response = op["responses"].get(str(code))
    if response is None:
        return [f"{method} {template}: status {code} not described"]
    if "$ref" in response:
        response = OPENAPI["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = response.get("content", {}).get("application/json")
    if not content or method == "HEAD":
        return []
    if not headers.get("Content-Type", "").startswith("application/json"):
        return [f"{method} {template} {code}: not JSON"]
    schema = content["schema"]
    ref = schema.get("$ref", "")
    if ref.startswith("output.schema.json#/$defs/"):
        return schema_check.errors(json.loads(body), SCHEMA["$defs"][ref.rsplit("/", 1)[1]], SCHEMA)
    return schema_check.errors(json.loads(body), schema, OPENAPI)


class ConnectProxy(socketserver.StreamRequestHandler):
    """An HTTPS proxy as companies run them: CONNECT host:port, then bytes both ways. The targets
    it was asked for go to server.tunnels."""

    def handle(self):
        target = self.rfile.readline().decode().split()[1]
        for line in iter(self.rfile.readline, b"\r\n"):
            name, _, value = line.decode().partition(":")
            if name.lower() == "proxy-authorization":
                self.server.credentials.append(value.strip())
            if not line:
                break
        self.server.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as upstream:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            ends = [self.connection, upstream]
            while True:
                ready, _, _ = select.select(ends, [], [], 10)
                if not ready:
                    return
                for end in ready:
                    data = end.recv(65536)
                    if not data:
                        return
                    (upstream if end is self.connection else self.connection).sendall(data)


class Certs(harness.MlopsTest):
    def files(self, rel):
        out = {}
        for name in os.listdir(self.path(rel)):
            with open(self.path(rel, name), "rb") as f:
                out[name] = f.read()
        return out

    def test_init_makes_a_ca_a_server_and_an_admin_that_verify(self):
        out = self.ok("certs", "init", "--host", "localhost", "--host", "127.0.0.1")
        tls = os.path.join(self.store, "tls")
        self.assertEqual(out.splitlines()[0], f"certificate/ca created ({tls}/ca.crt, until " + out.splitlines()[0][-11:])
        self.assertEqual(sorted(os.listdir(tls)), ["admin.crt", "admin.key", "ca.crt", "ca.key", "server.crt", "server.key"])
        for name in ("ca", "server", "admin"):
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(tls, name + ".key")).st_mode), 0o600, name)
            self.assertNotIn("PRIVATE KEY", out)
        check = subprocess.run(["openssl", "verify", "-CAfile", f"{tls}/ca.crt", "-purpose", "sslserver",
                                f"{tls}/server.crt"], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stderr)
        check = subprocess.run(["openssl", "verify", "-CAfile", f"{tls}/ca.crt", "-purpose", "sslclient",
                                f"{tls}/admin.crt"], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stderr)
        # A real handshake on the loopback: the server's certificate for 127.0.0.1, the admin's as the
        # client's, each checked against the CA.
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(f"{tls}/server.crt", f"{tls}/server.key")
        server_ctx.load_verify_locations(f"{tls}/ca.crt")
        server_ctx.verify_mode = ssl.CERT_REQUIRED
        client_ctx = ssl.create_default_context(cafile=f"{tls}/ca.crt")
        client_ctx.load_cert_chain(f"{tls}/admin.crt", f"{tls}/admin.key")
        listener = socket.create_server(("127.0.0.1", 0))
        seen = {}

        def serve():
            conn, _ = listener.accept()
            with server_ctx.wrap_socket(conn, server_side=True) as s:
                seen["peer"] = dict(x[0] for x in s.getpeercert()["subject"])
                s.sendall(b"hi")

        t = threading.Thread(target=serve)
        t.start()
        with socket.create_connection(listener.getsockname()) as raw:
            with client_ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                self.assertEqual(s.recv(2), b"hi")
        t.join()
        listener.close()
        self.assertEqual(seen["peer"]["commonName"], "admin")
        self.assertEqual(seen["peer"]["organizationalUnitName"], "admin")

    def test_json_and_refusals(self):
        doc = json.loads(self.ok("certs", "init", "--dir", self.path("pki"), "--days", "30", "-o", "json"))
        self.assertEqual(schema_check.errors(doc, SCHEMA, SCHEMA), [])
        self.assertEqual([i["name"] for i in doc["items"]], ["ca", "server", "admin"])
        self.assertIn("127.0.0.1", doc["items"][1]["hosts"])
        before = self.files("pki")
        err = self.fails(2, "certs", "init", "--dir", self.path("pki"))
        self.assertEqual(err, f"mlops: error: '{self.path('pki')}/ca.crt' exists: this deployment has its CA already "
                              "[certificates issued under it stay valid; to start over, move the directory away first]\n")
        self.assertEqual(self.files("pki"), before, "nothing changed")
        self.assertIn("invalid --days 'soon'", self.fails(2, "certs", "init", "--dir", self.path("x"), "--days", "soon"))
        self.assertFalse(os.path.exists(self.path("x")))


class Tokens(harness.MlopsTest):
    def test_a_token_is_shown_once_and_stored_only_as_a_hash(self):
        r = self.run_mlops("token", "create", "--role", "operator", "--name", "ci", "--expires", "90d")
        self.assertEqual(r.code, 0, r.err)
        self.assertRegex(r.out, r"^mlops_[0-9a-f]{12}_[0-9a-f]{48}\n$")
        self.assertRegex(r.err, r"^token/ci created \(operator, expires 20[0-9-]+T[0-9:.]+Z\); it is shown only this once\n$")
        secret = r.out.strip().split("_")[2]
        with open(os.path.join(self.store, "catalog.db"), "rb") as f:
            self.assertNotIn(secret.encode(), f.read())
        listed = self.ok("token", "list")
        self.assertNotIn(secret, listed)
        self.assertRegex(listed.splitlines()[1], r"^ci +operator +active +\S+ ago +20[0-9-]+ +tester$")
        doc = json.loads(self.ok("token", "list", "-o", "json"))
        self.assertEqual(schema_check.errors(doc, SCHEMA, SCHEMA), [])
        self.assertEqual([(t["name"], t["state"]) for t in doc["items"]], [("ci", "active")])
        self.assertNotIn("token", doc["items"][0])
        made = json.loads(self.ok("token", "create", "--role", "viewer", "--name", "dash", "-o", "json"))
        self.assertEqual(schema_check.errors(made, SCHEMA, SCHEMA), [])
        self.assertEqual((made["role"], made["expiresAt"]), ("viewer", None))
        self.assertEqual(self.ok("token", "revoke", "ci"), "token/ci revoked\n")
        self.assertEqual(self.ok("token", "revoke", "ci"), "token/ci revoked\n")
        self.assertEqual(self.ok("token", "list", "-o", "name"), "token/ci\ntoken/dash\n")

    def test_bad_input_changes_nothing(self):
        self.ok("token", "create", "--role", "viewer", "--name", "x", "-q")
        before = self.ok("token", "list", "-o", "json")
        self.assertEqual(self.fails(2, "token", "create", "--role", "root"),
                         "mlops: error: unknown role 'root' [use viewer, operator, approver or admin]\n")
        self.assertEqual(self.fails(2, "token", "create", "--role", "viewer", "--name", "x"),
                         "mlops: error: a token named 'x' exists [names are never reused; pick another]\n")
        self.assertIn("--role is required", self.fails(2, "token", "create"))
        self.assertEqual(self.fails(3, "token", "revoke", "nobody"),
                         "mlops: error: no token named 'nobody' [see 'mlops token list']\n")
        self.assertEqual(self.ok("token", "list", "-o", "json"), before)


@unittest.skipIf(OPENAPI is None, "needs python3-yaml (scripts/setup installs it)")
class Server(harness.MlopsTest):
    exercised = set()  # (template, method, status) that some test saw

    ran = 0

    @classmethod
    def tearDownClass(cls):
        # Both ways: every response the tests saw is described (checked in call), and, when the whole
        # class ran, every described one was seen.
        if cls.ran < len([m for m in dir(cls) if m.startswith("test_")]):
            return
        described = {(t, m.upper(), int(c)) for t, ops in OPENAPI["paths"].items() for m, op in ops.items()
                     for c in op["responses"]}
        missing = described - cls.exercised
        if missing:
            raise AssertionError(f"described in schemas/openapi.yaml but never exercised: {sorted(missing)}")

    def setUp(self):
        super().setUp()
        type(self).ran += 1
        self.ok("certs", "init", "--host", "127.0.0.1", "-q")
        self.tls = os.path.join(self.store, "tls")

    def start(self, *extra):
        proc = subprocess.Popen([harness.BIN, "--store", self.store, "server", "run", "--listen", "127.0.0.1:0", *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        self.addCleanup(self.stop, proc)
        line = proc.stdout.readline()
        self.assertRegex(line, r"^server listening on https?://127.0.0.1:[0-9]+\n$", proc.stderr.read() if not line else "")
        self.url = line.split()[-1]
        return proc

    def stop(self, proc):
        """SIGTERM, as an operator would: it must end cleanly, with no sanitizer report."""
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            self.fail("the server did not stop on SIGTERM")
        for marker in harness.SANITIZER_MARKERS:
            self.assertNotIn(marker, err)
        self.assertIn(proc.returncode, (0, None), err)

    def context(self, ca=None, cert=None):
        ctx = ssl.create_default_context(cafile=ca or os.path.join(self.tls, "ca.crt"))
        if cert:
            ctx.load_cert_chain(cert + ".crt", cert + ".key")
        return ctx

    def call(self, path, token=None, ctx=None, method="GET", body=None, headers=None):
        req = urllib.request.Request(self.url + path, method=method, data=body, headers=dict(headers or {}))
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, context=ctx or self.context(), timeout=10) as r:
                got = r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            got = e.code, dict(e.headers), e.read()
        self.assertEqual(response_errors(path, method, *got), [], f"{method} {path}")
        self.exercised.add((operation(path, method)[0], method, got[0]))
        return got

    def token(self, role, name=None):
        return self.ok("token", "create", "--role", role, "--name", name or role, "-q").strip()

    def test_tokens_and_certificates_get_what_their_role_allows(self):
        self.start()
        viewer = self.token("viewer")
        code, _, body = self.call("/api/v1/whoami", viewer)
        self.assertEqual((code, json.loads(body)["role"], json.loads(body)["via"]), (200, "viewer", "token"))
        code, headers, body = self.call("/api/v1/whoami")
        self.assertEqual(code, 401)
        self.assertEqual(headers["WWW-Authenticate"], 'Bearer realm="mlops"')
        status = json.loads(body)
        self.assertEqual((status["kind"], status["reason"]), ("Status", "Unauthorized"))
        self.assertEqual(status["message"], "no credentials: send a bearer token or a client certificate")
        code, _, body = self.call("/api/v1/whoami", viewer[:-1] + ("0" if viewer[-1] != "0" else "1"))
        self.assertEqual((code, json.loads(body)["message"]), (401, "the bearer token is not valid (unknown, expired or revoked)"))
        # A viewer cannot make tokens; nothing is made.
        before = self.ok("token", "list", "-o", "json")
        code, _, body = self.call("/api/v1/tokens", viewer, method="POST", body=b'{"name": "x", "role": "admin"}')
        self.assertEqual((code, json.loads(body)["message"]), (403, "token 'viewer' has role viewer; this needs admin"))
        self.assertEqual(self.ok("token", "list", "-o", "json"), before)
        # The admin certificate can, and the token it gets works at once.
        admin = self.context(cert=os.path.join(self.tls, "admin"))
        code, _, body = self.call("/api/v1/whoami", ctx=admin)
        self.assertEqual(json.loads(body)["via"], "certificate")
        code, _, body = self.call("/api/v1/tokens", ctx=admin, method="POST", body=b'{"name": "ci", "role": "operator"}')
        self.assertEqual(code, 201)
        made = json.loads(body)["token"]
        self.assertEqual(json.loads(self.call("/api/v1/whoami", made)[2])["role"], "operator")
        # Revoked: refused from the next request on.
        self.ok("token", "revoke", "ci", "-q")
        self.assertEqual(self.call("/api/v1/whoami", made)[0], 401)

    def test_every_endpoint_refuses_callers_without_credentials_and_bad_requests(self):
        self.start()
        digest = "sha256:" + "0" * 64
        for path, method in (("/api/v1/version", "GET"), ("/api/v1/whoami", "GET"), ("/api/v1/models", "GET"),
                             ("/api/v1/models/churn", "GET"), ("/api/v1/blobs/" + digest, "GET"),
                             ("/api/v1/tokens", "POST")):
            code, _, body = self.call(path, method=method, body=b"{}" if method == "POST" else None)
            self.assertEqual(code, 401, path)
        viewer, admin = self.token("viewer"), self.token("admin")
        self.assertEqual(self.call("/api/v1/blobs/" + digest, viewer)[0], 404)
        code, _, body = self.call("/api/v1/models/churn:x", viewer)
        self.assertEqual(code, 400, body)
        code, _, body = self.call("/api/v1/tokens", admin, method="POST", body=b"not json")
        self.assertEqual((code, json.loads(body)["message"]), (400, "expected a JSON object with string fields name and role"))
        code, _, body = self.call("/api/v1/tokens", admin, method="POST", body=b'{"name": "x", "role": "root"}')
        self.assertEqual((code, json.loads(body)["message"]), (400, "unknown role 'root'"))
        self.assertEqual(self.ok("token", "list", "-o", "name"), "token/viewer\ntoken/admin\n", "nothing made")

    def test_the_wrong_ca_or_a_foreign_certificate_fails_the_handshake(self):
        self.start()
        self.ok("certs", "init", "--dir", self.path("other"), "-q")
        with self.assertRaises(urllib.error.URLError) as e:
            self.call("/api/v1/version", self.token("viewer"), ctx=self.context(ca=self.path("other", "ca.crt")))
        self.assertIsInstance(e.exception.reason, ssl.SSLCertVerificationError)
        # A client certificate from another CA: the server refuses the handshake.
        foreign = self.context(cert=self.path("other", "admin"))
        with self.assertRaises((urllib.error.URLError, ssl.SSLError, ConnectionError)):
            self.call("/api/v1/version", ctx=foreign)
        # An expired one from our own CA, likewise.
        conf = self.write("ca/ca.cnf", "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\n"
                                       "serial = serial\ndefault_md = sha256\npolicy = p\n"
                                       "[p]\ncommonName = supplied\n[ext]\nextendedKeyUsage = clientAuth\n")
        self.write("ca/index.txt", "")
        self.write("ca/serial", "01\n")
        run = lambda *a: subprocess.run(a, cwd=self.path("ca"), check=True, capture_output=True)
        run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "old.key", "-out", "old.csr", "-subj", "/OU=admin/CN=old")
        run("openssl", "ca", "-batch", "-config", conf, "-cert", os.path.join(self.tls, "ca.crt"),
            "-keyfile", os.path.join(self.tls, "ca.key"), "-in", "old.csr", "-out", "old.crt", "-extensions", "ext",
            "-startdate", "20200101000000Z", "-enddate", "20200201000000Z", "-preserveDN")
        with self.assertRaises((urllib.error.URLError, ssl.SSLError, ConnectionError)):
            self.call("/api/v1/version", ctx=self.context(cert=self.path("ca", "old")))
        # One our CA signed for an agent that never joined (or whose record is gone): unknown here.
        run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ghost.key", "-out", "ghost.csr", "-subj", "/OU=agent/CN=ghost")
        run("openssl", "ca", "-batch", "-config", conf, "-cert", os.path.join(self.tls, "ca.crt"),
            "-keyfile", os.path.join(self.tls, "ca.key"), "-in", "ghost.csr", "-out", "ghost.crt", "-extensions", "ext",
            "-days", "30", "-preserveDN")
        code, _, body = self.call("/api/v1/agents/ghost/assignment", ctx=self.context(cert=self.path("ca", "ghost")))
        self.assertEqual((code, json.loads(body)["message"]),
                         (401, "the certificate of agent 'ghost' is not one this server issued"))
        # The server is still there for everyone else.
        self.assertEqual(self.call("/api/v1/version", self.token("viewer", "v2"))[0], 200)

    def test_models_and_blobs_with_ranges(self):
        self.start()
        data = bytes(range(256)) * 40
        self.write("m.bin", data)
        self.ok("model", "push", self.path("m.bin"), "--name", "churn", "-q")
        viewer = self.token("viewer")
        code, _, body = self.call("/api/v1/models", viewer)
        doc = json.loads(body)
        self.assertEqual(schema_check.errors(doc, SCHEMA, SCHEMA), [])
        self.assertEqual([(v["name"], v["version"]) for v in doc["items"]], [("churn", 1)])
        digest = doc["items"][0]["digest"]
        code, _, body = self.call("/api/v1/models/churn:1", viewer)
        self.assertEqual(json.loads(body)["digest"], digest)
        self.assertEqual(self.call("/api/v1/models/nope", viewer)[0], 404)
        code, headers, body = self.call("/api/v1/blobs/" + digest, viewer)
        self.assertEqual((code, body), (200, data))
        self.assertEqual(headers["ETag"], f'"{digest}"')
        code, headers, body = self.call("/api/v1/blobs/" + digest, viewer, headers={"Range": "bytes=1000-1999"})
        self.assertEqual((code, body, headers["Content-Range"]), (206, data[1000:2000], f"bytes 1000-1999/{len(data)}"))
        code, headers, body = self.call("/api/v1/blobs/" + digest, viewer, method="HEAD")
        self.assertEqual((code, headers["Content-Length"], body), (200, str(len(data)), b""))
        self.assertEqual(self.call("/api/v1/blobs/sha256:" + "0" * 64, viewer, method="HEAD")[0], 404)
        self.assertEqual(self.call("/api/v1/blobs/sha256:xyz", viewer)[0], 400)

    def test_resumable_uploads_then_a_version_that_names_them(self):
        self.start()
        operator, viewer = self.token("operator"), self.token("viewer")
        data = os.urandom(300000)
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        up = "/api/v1/uploads/" + digest
        code, headers, body = self.call(up, operator)
        self.assertEqual((code, json.loads(body)["offset"], json.loads(body)["complete"]), (200, 0, False))
        part = lambda offset, chunk, total=len(data): {"Upload-Offset": str(offset), "Upload-Length": str(total),
                                                       "Content-Type": "application/offset+octet-stream"}
        code, headers, body = self.call(up, operator, method="PATCH", body=data[:100000], headers=part(0, None))
        self.assertEqual((code, headers["Upload-Offset"]), (200, "100000"))
        # A client that lost track resends from 0: told where the server stands, nothing appended.
        code, headers, _ = self.call(up, operator, method="PATCH", body=data[:100000], headers=part(0, None))
        self.assertEqual((code, headers["Upload-Offset"]), (409, "100000"))
        self.assertEqual(json.loads(self.call(up, operator)[2])["offset"], 100000)
        code, _, body = self.call(up, operator, method="PATCH", body=data[100000:], headers=part(100000, None))
        self.assertEqual((code, json.loads(body)["complete"]), (201, True))
        self.assertEqual(self.call("/api/v1/blobs/" + digest, viewer)[2], data)
        # Bytes that do not hash to the digest never become the blob.
        bad = "sha256:" + "1" * 64
        self.assertEqual(self.call("/api/v1/uploads/" + bad, operator, method="PATCH", body=b"x",
                                   headers=part(0, None, 1))[0], 400)
        self.assertEqual(self.call("/api/v1/blobs/" + bad, viewer, method="HEAD")[0], 404)
        self.assertEqual(self.call(up, operator, method="PATCH", body=b"x", headers={})[0], 400)
        self.assertEqual(self.call("/api/v1/uploads/sha256:nope", operator)[0], 400)
        for method in ("GET", "PATCH"):
            self.assertEqual(self.call(up, method=method, body=b"x", headers=part(0, None))[0], 401)
            self.assertEqual(self.call(up, viewer, method=method, body=b"x", headers=part(0, None))[0], 403)

        # A version names uploaded blobs; one that names a missing blob is told which.
        version = {"digest": digest, "type": "file", "size": len(data), "files": 1, "mode": "0644", "source": "w.bin",
                   "metrics": {"auc": 0.9}, "params": {}, "labels": {"team": "x"}}
        versions = "/api/v1/models/weights/versions"
        code, _, body = self.call(versions, operator, method="POST", body=json.dumps(version).encode())
        self.assertEqual((code, json.loads(body)["version"], json.loads(body)["createdBy"]), (201, 1, "operator"))
        self.assertIn("weights", self.ok("model", "list"))
        missing = dict(version, digest="sha256:" + "2" * 64)
        code, _, body = self.call(versions, operator, method="POST", body=json.dumps(missing).encode())
        self.assertEqual((code, json.loads(body)["missing"]), (409, ["sha256:" + "2" * 64]))
        self.assertEqual(self.call(versions, operator, method="POST", body=b'{"digest": 1}')[0], 400)
        self.assertEqual(self.call(versions, method="POST", body=json.dumps(version).encode())[0], 401)
        self.assertEqual(self.call(versions, viewer, method="POST", body=json.dumps(version).encode())[0], 403)
        self.assertEqual(len(json.loads(self.ok("model", "list", "-o", "json"))["items"]), 1, "nothing else recorded")

    def test_agent_endpoints_answer_only_the_agent_they_name(self):
        self.start()
        operator, viewer, admin = self.token("operator"), self.token("viewer"), self.token("admin")
        self.ok("agent", "join", "--server", self.url, "--ca", os.path.join(self.tls, "ca.crt"), "--name", "edge-1",
                "--token", operator, "--dir", self.path("edge"), "-q", store=False)
        me = self.context(cert=self.path("edge", "agent"))
        body = json.dumps({"labels": {"tier": "edge"}, "engines": ["python"], "version": "test"}).encode()
        self.assertEqual(self.call("/api/v1/agents/edge-1", ctx=me, method="PUT", body=body)[0], 200)
        self.assertEqual(self.call("/api/v1/agents/edge-1", ctx=me, method="PUT", body=b'{"labels": [1]}')[0], 400)
        self.assertEqual(self.call("/api/v1/agents/edge-1", method="PUT", body=body)[0], 401)
        self.assertEqual(self.call("/api/v1/agents/edge-2", ctx=me, method="PUT", body=body)[0], 403)
        code, headers, doc = self.call("/api/v1/agents/edge-1/assignment", ctx=me)
        self.assertEqual((code, json.loads(doc)["ions"]), (200, []))
        code, _, doc = self.call("/api/v1/agents/edge-1/assignment", ctx=me, headers={"If-None-Match": headers["ETag"]})
        self.assertEqual((code, doc), (304, b""))
        self.assertEqual(self.call("/api/v1/agents/edge-1/assignment")[0], 401)
        self.assertEqual(self.call("/api/v1/agents/edge-1/assignment", operator)[0], 403)
        # The spool: applied once however often it is sent.
        point = lambda seq: {"seq": seq, "kind": "stat", "stat": ["r1", "i", "n", "stat", "p", None, seq, "{}", 1000]}
        batch = json.dumps({"items": [point(1), point(2), {"seq": 3, "kind": "bogus"}]}).encode()
        spool = "/api/v1/agents/edge-1/spool"
        for skipped in (0, 3):
            code, _, doc = self.call(spool, ctx=me, method="POST", body=batch)
            self.assertEqual((code, json.loads(doc)["acked"], json.loads(doc)["skipped"]), (200, 3, skipped))
        # Points under consecutive numbers in one item, as agents send them: each skipped or applied by its own.
        grouped = {"seq": 2, "kind": "stats", "points": [point(n)["stat"] for n in (2, 3, 4)]}
        code, _, doc = self.call(spool, ctx=me, method="POST", body=json.dumps({"items": [grouped]}).encode())
        self.assertEqual((code, json.loads(doc)["acked"], json.loads(doc)["applied"], json.loads(doc)["skipped"]), (200, 4, 1, 2))
        db = sqlite3.connect(os.path.join(self.store, "catalog.db"))
        self.assertEqual(db.execute("SELECT value FROM stats WHERE name = 'p' ORDER BY id").fetchall(), [(1,), (2,), (4,)])
        db.close()
        run = {"id": "r1", "ion": "i", "node": "n", "pipeline": "p:1", "status": "succeeded", "outcome": "exit 0",
               "args": {}, "model": "i.n:1", "modelIn": "", "startedMs": 1000, "finishedMs": 2000, "actor": "edge-1",
               "attempts": 1}
        model = {"name": "i.n", "version": 1, "digest": "sha256:" + "3" * 64, "type": "file", "size": 1, "files": 1,
                 "mode": "0644", "source": "m", "aliases": [], "metrics": {}, "params": {}, "labels": {"run": "r1"},
                 "createdAt": "2026-01-01T00:00:00.000Z", "createdBy": "edge-1"}
        code, _, doc = self.call(spool, ctx=me, method="POST",
                                 body=json.dumps({"items": [{"seq": 5, "kind": "run", "run": run, "model": model}]}).encode())
        self.assertEqual((code, json.loads(doc)["missing"], json.loads(doc)["acked"]), (409, ["sha256:" + "3" * 64], 4))
        # A run is written by the agent it is on, and by no other.
        own = dict(run, id="r20260101-000000-abcdef", model="")
        code, _, doc = self.call(spool, ctx=me, method="POST", body=json.dumps({"items": [
            {"seq": 5, "kind": "log", "run": own["id"], "offset": 0, "data": "hello\n"},
            {"seq": 6, "kind": "run", "run": own}]}).encode())
        self.assertEqual((code, json.loads(doc)["applied"]), (200, 2))
        self.ok("agent", "join", "--server", self.url, "--ca", os.path.join(self.tls, "ca.crt"), "--name", "edge-2",
                "--token", operator, "--dir", self.path("edge2"), "-q", store=False)
        other = self.context(cert=self.path("edge2", "agent"))
        code, _, doc = self.call("/api/v1/agents/edge-2/spool", ctx=other, method="POST", body=json.dumps({"items": [
            {"seq": 1, "kind": "log", "run": own["id"], "offset": 0, "data": "forged\n"},
            {"seq": 2, "kind": "run", "run": dict(own, status="failed", outcome="forged")}]}).encode())
        self.assertEqual((code, json.loads(doc)["rejected"], json.loads(doc)["acked"]), (200, 2, 2))
        db = sqlite3.connect(os.path.join(self.store, "catalog.db"))
        self.assertEqual(db.execute("SELECT status, agent FROM runs WHERE id = ?", (own["id"],)).fetchall(),
                         [("succeeded", "edge-1")])
        db.close()
        with open(os.path.join(self.store, "runs", own["id"], "run.log")) as f:
            self.assertEqual(f.read(), "hello\n")
        self.assertEqual(self.call(spool, ctx=me, method="POST", body=b'{"items": 1}')[0], 400)
        self.assertEqual(self.call(spool, method="POST", body=batch)[0], 401)
        self.assertEqual(self.call(spool, operator, method="POST", body=batch)[0], 403)
        # Listed for anyone; revoked by an admin, after which its certificate is refused.
        code, _, doc = self.call("/api/v1/agents", viewer)
        agent = json.loads(doc)["items"][0]
        self.assertEqual((agent["name"], agent["labels"], agent["ackedSeq"], agent["revoked"]), ("edge-1", {"tier": "edge"}, 6, False))
        self.assertEqual(self.call("/api/v1/agents")[0], 401)
        self.assertEqual(self.call("/api/v1/agents/edge-1", method="DELETE")[0], 401)
        self.assertEqual(self.call("/api/v1/agents/edge-1", operator, method="DELETE")[0], 403)
        self.assertEqual(self.call("/api/v1/agents/edge-1", admin, method="DELETE")[0], 200)
        self.assertEqual(self.call("/api/v1/agents/edge-1", admin, method="DELETE")[0], 404)
        code, _, doc = self.call("/api/v1/agents/edge-1/assignment", ctx=me)
        self.assertEqual((code, json.loads(doc)["message"]), (401, "the certificate of agent 'edge-1' is revoked"))

    def test_approvals_by_people_with_the_approver_role(self):
        self.start()
        self.write("p/make/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: make}\n"
                   "spec: {engine: process, produces: true, steps: [{name: s, run: [sh, -c, 'echo 1 > $MLOPS_MODEL_OUT']}]}\n")
        self.write("p/ion.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: rel}\nspec:\n  nodes:\n"
                   "    - {name: make, pipeline: make}\n"
                   "    - {name: ok, policy: {type: approval, approvers: [alice], quorum: 1}}\n"
                   "  edges: [{from: make, to: ok}]\n")
        self.ok("ion", "apply", "-f", self.path("p"), "-q")
        self.ok("ion", "run", "rel", "-q")
        alice, viewer = self.token("approver", "alice"), self.token("viewer")
        code, _, doc = self.call("/api/v1/approvals", viewer)
        self.assertEqual([p["model"] for p in json.loads(doc)["items"]], ["rel.make:1"])
        self.assertEqual(self.call("/api/v1/approvals")[0], 401)
        decision = json.dumps({"ion": "rel", "model": "rel.make:1", "approve": True}).encode()
        self.assertEqual(self.call("/api/v1/approvals", viewer, method="POST", body=decision)[0], 403)
        self.assertEqual(self.call("/api/v1/approvals", method="POST", body=decision)[0], 401)
        self.assertEqual(self.call("/api/v1/approvals", alice, method="POST", body=b'{"ion": "rel"}')[0], 400)
        self.assertEqual(self.call("/api/v1/approvals", alice, method="POST",
                                   body=json.dumps({"ion": "rel", "model": "rel.make:9", "approve": True}).encode())[0], 404)
        self.assertEqual(len(json.loads(self.call("/api/v1/approvals", viewer)[2])["items"]), 1, "nothing decided yet")
        code, _, doc = self.call("/api/v1/approvals", alice, method="POST", body=decision)
        self.assertEqual((code, json.loads(doc)["actor"], json.loads(doc)["flows"][0]["kind"]), (200, "alice", "passed"))
        self.assertEqual(json.loads(self.call("/api/v1/approvals", viewer)[2])["items"], [])
        # Runs read the same through the server as from its store.
        [run] = json.loads(self.call("/api/v1/runs?ion=rel", viewer)[2])["items"]
        code, _, doc = self.call("/api/v1/runs/" + run["id"], viewer)
        self.assertEqual((code, "stats" in json.loads(doc)), (200, True))
        code, _, doc = self.call("/api/v1/runs/" + run["id"] + "?stats=false", viewer)
        self.assertEqual((code, "stats" in json.loads(doc), json.loads(doc)["id"]), (200, False, run["id"]))
        self.assertEqual(self.call("/api/v1/runs/r0-nope", viewer)[0], 404)
        self.assertEqual(self.call("/api/v1/runs")[0], 401)
        self.assertEqual(self.call("/api/v1/runs/" + run["id"])[0], 401)
        self.ok("context", "add", "prod", "--server", self.url, "--ca", os.path.join(self.tls, "ca.crt"),
                "--token", viewer, "-q", store=False)
        for args in (("run", "list", "-o", "json"), ("run", "list", "--node", "make", "-o", "name"),
                     ("run", "show", run["id"], "-o", "json"), ("run", "show", run["id"], "-o", "yaml")):
            self.assertEqual(self.ok(*args, store=False), self.ok(*args), args)
        words = lambda text: [" ".join(l.split()) for l in text.splitlines() if not l.startswith("Directory:")]
        self.assertEqual(words(self.ok("run", "show", run["id"], store=False)), words(self.ok("run", "show", run["id"])))
        self.assertEqual(self.fails(3, "run", "show", "r0-nope", store=False).split(" (server")[0],
                         self.fails(3, "run", "show", "r0-nope").rstrip("\n").split(" [")[0])

    def test_an_agent_joins_with_a_key_it_keeps_and_then_speaks_mutual_tls(self):
        self.start()
        operator, viewer = self.token("operator"), self.token("viewer")
        ca = os.path.join(self.tls, "ca.crt")
        join = ("agent", "join", "--server", self.url, "--ca", ca, "--name", "edge-1")
        out = self.ok(*join, "--token", operator, "--dir", self.path("edge"), store=False)
        self.assertRegex(out, r"^agent/edge-1 joined \(" + self.path("edge") + r"/agent.crt, until 20[0-9-]+\)\n$")
        self.assertEqual(sorted(os.listdir(self.path("edge"))), ["agent.crt", "agent.key", "ca.crt"])
        self.assertEqual(stat.S_IMODE(os.stat(self.path("edge", "agent.key")).st_mode), 0o600)
        code, _, body = self.call("/api/v1/whoami", ctx=self.context(cert=self.path("edge", "agent")))
        self.assertEqual(json.loads(body), {"apiVersion": "mlops/v1", "kind": "Identity", "name": "edge-1",
                                            "role": "operator", "via": "certificate", "agent": True})
        # The same name again, a viewer's token, a bad name, the wrong CA: refused, nothing written.
        err = self.fails(1, *join, "--token", operator, "--dir", self.path("again"), store=False)
        self.assertEqual(err, "mlops: error: the server refused to let 'edge-1' join: an agent named 'edge-1' has "
                              "joined already [join under another name]\n")
        err = self.fails(7, "agent", "join", "--server", self.url, "--ca", ca, "--name", "edge-2", "--token", viewer,
                         "--dir", self.path("e2"), store=False)
        self.assertEqual(err, "mlops: error: the server refused to let 'edge-2' join: token 'viewer' has role viewer; "
                              "this needs operator\n")
        err = self.fails(1, "agent", "join", "--server", self.url, "--ca", ca, "--name", "Edge 3", "--token", operator,
                         "--dir", self.path("e3"), store=False)
        self.assertIn("invalid agent name 'Edge 3'", err)
        self.ok("certs", "init", "--dir", self.path("other"), "-q")
        err = self.fails(1, "agent", "join", "--server", self.url, "--ca", self.path("other", "ca.crt"), "--name", "edge-4",
                         "--token", operator, "--dir", self.path("e4"), store=False)
        self.assertRegex(err, r"^mlops: error: no answer from https://127.0.0.1:[0-9]+/api/v1/agents/join: .*certificate")
        for d in ("again", "e2", "e3", "e4"):
            self.assertFalse(os.path.exists(self.path(d)), d)
        self.assertIn("this machine has joined already",
                      self.fails(2, *join, "--token", operator, "--dir", self.path("edge"), store=False))
        # Straight to the API, for the statuses the CLI does not show.
        csr = subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                              "-keyout", self.path("k.pem"), "-subj", "/CN=x"], capture_output=True, check=True).stdout
        body = json.dumps({"name": "edge-5", "csr": csr.decode()}).encode()
        self.assertEqual(self.call("/api/v1/agents/join", method="POST", body=body)[0], 401)
        self.assertEqual(self.call("/api/v1/agents/join", viewer, method="POST", body=body)[0], 403)
        self.assertEqual(self.call("/api/v1/agents/join", operator, method="POST", body=b"[]")[0], 400)
        self.assertEqual(self.call("/api/v1/agents/join", operator, method="POST", body=body)[0], 201)
        self.assertEqual(self.call("/api/v1/agents/join", operator, method="POST", body=body)[0], 409)

    def test_contexts_are_checked_with_the_server_before_they_are_kept(self):
        self.start()
        viewer, ca = self.token("viewer", "dash"), os.path.join(self.tls, "ca.crt")
        config = os.path.join(self.tmp, "home", ".config", "mlops", "config.yaml")
        out = self.ok("context", "add", "prod", "--server", self.url, "--ca", ca, "--token", viewer, store=False)
        self.assertEqual(out, f"context/prod added (token 'dash', role viewer, at {self.url}), in use\n")
        self.assertEqual(stat.S_IMODE(os.stat(config).st_mode), 0o600, "it holds tokens")
        admin = os.path.join(self.tls, "admin")
        out = self.ok("context", "add", "ops", "--server", self.url, "--ca", ca, "--cert", admin + ".crt",
                      "--key", admin + ".key", store=False)
        self.assertEqual(out, f"context/ops added (certificate 'admin', role admin, at {self.url})\n")
        listed = self.ok("context", "list", store=False)
        self.assertNotIn(viewer, listed)
        self.assertRegex(listed, r"^CURRENT +NAME +SERVER +CREDENTIALS\n\* +prod +https://\S+ +token\n +ops +https://\S+ "
                                 r"+certificate \S+admin.crt\n$")
        self.assertEqual(self.ok("context", "use", "ops", store=False), "context/ops in use\n")
        doc = json.loads(self.ok("context", "list", "-o", "json", store=False))
        self.assertEqual([(c["name"], c["current"]) for c in doc["items"]], [("prod", False), ("ops", True)])
        # Refused by the server, or not there at all: the configuration stays as it was.
        with open(config) as f:
            before = f.read()
        err = self.fails(7, "context", "add", "bad", "--server", self.url, "--ca", ca, "--token", "mlops_x", store=False)
        self.assertEqual(err, f"mlops: error: the server at {self.url} refused these credentials: the bearer token is "
                              "not valid (unknown, expired or revoked)\n")
        err = self.fails(1, "context", "add", "bad", "--server", self.url, "--token", viewer, store=False)
        self.assertIn("no answer from", err)
        self.assertEqual(self.fails(3, "context", "use", "prd", store=False),
                         "mlops: error: no context named 'prd' [did you mean 'prod'?]\n")
        with open(config) as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(self.ok("context", "delete", "ops", store=False), "context/ops deleted\n")
        self.assertEqual(self.ok("context", "list", "-o", "name", store=False), "context/prod\n")
        with open(config, "w") as f:
            f.write("contexts:\n  - name: a\n    sever: https://x\n")
        err = self.fails(2, "context", "list", store=False)
        self.assertIn("config.yaml:3:5: unknown field 'sever'", err)

    def test_a_context_is_reached_through_the_proxy_the_environment_names(self):
        """https_proxy and no_proxy as curl and kubectl read them."""
        self.start()
        self.ok("context", "add", "prod", "--server", self.url, "--ca", os.path.join(self.tls, "ca.crt"),
                "--token", self.token("viewer"), "-q", store=False)
        proxy = socketserver.ThreadingTCPServer(("127.0.0.1", 0), ConnectProxy)
        proxy.daemon_threads = True
        proxy.tunnels, proxy.credentials = [], []
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        self.addCleanup(proxy.server_close)
        self.addCleanup(proxy.shutdown)
        via = "http://127.0.0.1:%d" % proxy.server_address[1]
        server = self.url.split("//")[1]
        for env in ({"https_proxy": via}, {"HTTPS_PROXY": via + "/"}, {"https_proxy": via.split("//")[1]}):
            self.assertEqual(self.ok("model", "list", "-o", "name", store=False, env=env), "")
        self.assertEqual(proxy.tunnels, [server] * 3)
        for skip in ("127.0.0.1", "localhost, 127.0.0.1", "*"):
            self.assertEqual(self.ok("model", "list", "-o", "name", store=False,
                                     env={"https_proxy": via, "no_proxy": skip}), "")
        self.assertEqual(self.ok("model", "list", "-o", "name", store=False, env={"https_proxy": via, "NO_PROXY": "other"}), "")
        self.assertEqual(len(proxy.tunnels), 4, "no_proxy names hosts (or *); only other hosts go through the proxy")
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        closed.close()
        err = self.fails(1, "model", "list", store=False, env={"https_proxy": "http://127.0.0.1:%d" % port})
        self.assertIn(f"no answer from {self.url}/api/v1/models: cannot connect (through the proxy 127.0.0.1:{port})", err)
        # Credentials in the proxy's URL go to the proxy, and into no message.
        self.ok("model", "list", store=False, env={"https_proxy": via.replace("//", "//ci:s3cret@")})
        self.assertEqual(proxy.credentials, ["Basic " + base64.b64encode(b"ci:s3cret").decode()])
        err = self.fails(1, "model", "list", store=False, env={"https_proxy": "http://ci:s3cret@127.0.0.1:%d" % port})
        self.assertNotIn("s3cret", err)
        err = self.fails(1, "model", "list", store=False, env={"https_proxy": "socks5://127.0.0.1:1080"})
        self.assertIn("the proxy socks5://127.0.0.1:1080 is not an http:// URL", err)

    def test_model_list_and_show_read_the_same_from_a_server_context_as_from_the_store(self):
        self.start()
        self.write("a.bin", b"a" * 100)
        self.write("b.bin", b"b" * 3000)
        self.ok("model", "push", self.path("a.bin"), "--name", "churn", "--metric", "auc=0.9", "--label", "team=x", "-q")
        self.ok("model", "push", self.path("b.bin"), "--name", "churn", "--label", "team=y", "-q")
        self.ok("model", "push", self.path("a.bin"), "--name", "fraud", "-q")
        self.write("dir/weights.bin", b"w" * 5000)
        self.write("dir/conf/params.json", b"{}", mode=0o600)
        self.ok("model", "push", self.path("dir"), "--name", "deep", "-q")
        self.ok("model", "alias", "set", "deep:1", "prod", "-q")
        views = [("-o", "json"), ("-o", "name"), ("churn", "-o", "json"), ("-l", "team=y", "-o", "json"),
                 ("-o", "wide", "--no-headers")]
        local = [self.ok("model", "list", *v) for v in views]
        shows = [("churn:2",), ("deep@prod",), ("deep", "-o", "json"), ("churn", "-o", "yaml"), ("fraud", "-o", "name")]
        local_shows = [self.ok("model", "show", *v) for v in shows]
        self.ok("context", "add", "prod", "--server", self.url, "--ca", os.path.join(self.tls, "ca.crt"),
                "--token", self.token("viewer"), "-q", store=False)
        remote = [self.ok("model", "list", *v, store=False) for v in views]
        drop_age = lambda text: [line.rsplit(None, 1)[0] for line in text.splitlines()]
        self.assertEqual(remote[:4], local[:4])
        self.assertEqual(drop_age(remote[4]), drop_age(local[4]))
        self.assertEqual(len(json.loads(remote[3])["items"]), 1)
        self.assertEqual([self.ok("model", "show", *v, store=False) for v in shows], local_shows)
        self.assertIn("Tree:\n", local_shows[1])
        self.assertEqual(self.fails(3, "model", "show", "churn:9", store=False).split(" (server")[0],
                         self.fails(3, "model", "show", "churn:9").rstrip("\n").split(" [")[0])
        self.assertIn("invalid", self.fails(2, "model", "show", "churn:x", store=False))
        # A command that cannot talk to a server yet refuses, instead of using the local store.
        err = self.fails(2, "store", "du", store=False)
        self.assertEqual(err, "mlops: error: this command works on a local store, not through a server (context 'prod', "
                              f"{self.url}) [name the local store with --store, or switch with 'mlops context use local']\n")
        self.assertEqual(self.ok("model", "list", "fraud", "-o", "name"), "model/fraud:1\n", "--store: the local store")
        self.assertEqual(self.fails(3, "model", "list", "--context", "prd", store=False),
                         "mlops: error: no context named 'prd' [see 'mlops context list'; 'local' is the local store]\n")
        self.assertIn("no model named", self.fails(3, "model", "list", "nope", store=False))
        # 'local': the default store (empty here), not the server's.
        self.assertEqual(self.ok("model", "list", "--context", "local", "-o", "name", store=False), "")
        self.assertEqual(self.ok("model", "list", "-o", "name", store=False, env={"MLOPS_CONTEXT": "local"}), "")
        self.assertEqual(self.ok("context", "use", "local", store=False), "context/local in use\n")
        self.assertEqual(self.ok("model", "list", "-o", "name", store=False), "")
        self.assertEqual(self.ok("model", "list", "-o", "name", store=False, env={"MLOPS_CONTEXT": "prod"}), local[1])

    def test_push_and_pull_through_a_server_context_are_push_and_pull_on_its_store(self):
        self.start()
        self.ok("context", "add", "prod", "--server", self.url, "--ca", os.path.join(self.tls, "ca.crt"),
                "--token", self.token("operator", "ci"), "-q", store=False)
        self.write("w.bin", os.urandom(200000))
        self.write("dir/weights.bin", b"w" * 5000)
        self.write("dir/conf/params.json", b"{}", mode=0o600)
        out = self.ok("model", "push", self.path("w.bin"), "--name", "churn", "--metric", "auc=0.9", store=False)
        with open(self.path("w.bin"), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.assertEqual(out, f"model/churn:1 sha256:{digest}\n")
        self.ok("model", "push", self.path("dir"), "--name", "deep", "-q", store=False)
        # On the server's store, as if pushed there, by the token's holder.
        [v] = json.loads(self.ok("model", "list", "churn", "-o", "json"))["items"]
        self.assertEqual((v["digest"], v["metrics"], v["createdBy"]), ("sha256:" + digest, {"auc": 0.9}, "ci"))
        self.ok("store", "fsck", "-q")
        # Pulled back byte for byte, modes and all; a second pull refuses to overwrite, as locally.
        self.assertEqual(self.ok("model", "pull", "churn:1", "-d", self.path("out"), store=False),
                         f"model/churn:1 pulled to {self.path('out')}/w.bin\n")
        with open(self.path("out", "w.bin"), "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), digest)
        self.ok("model", "pull", "deep", "-d", self.path("out"), "-q", store=False)
        self.assertEqual(stat.S_IMODE(os.stat(self.path("out", "dir", "conf", "params.json")).st_mode), 0o600)
        with open(self.path("out", "dir", "weights.bin"), "rb") as f:
            self.assertEqual(f.read(), b"w" * 5000)
        remote = self.fails(1, "model", "pull", "churn:1", "-d", self.path("out"), store=False)
        local = self.fails(1, "model", "pull", "churn:1", "-d", self.path("out"))
        self.assertEqual(remote, local)
        self.assertIn("no model named", self.fails(3, "model", "pull", "nope", store=False))
        # A viewer may pull but not push; nothing is recorded.
        self.ok("context", "add", "look", "--server", self.url, "--ca", os.path.join(self.tls, "ca.crt"),
                "--token", self.token("viewer"), "-q", store=False)
        self.assertIn("has role viewer; this needs operator",
                      self.fails(7, "--context", "look", "model", "push", self.path("w.bin"), "--name", "x", store=False))
        self.assertEqual(len(json.loads(self.ok("model", "list", "-o", "json"))["items"]), 2)

    def test_ions_pipelines_and_model_changes_answer_as_described(self):
        """Every route the ion, pipeline and model commands use, with each answer it describes."""
        self.start()
        v, o, p = self.token("viewer"), self.token("operator"), self.token("approver")
        post = lambda path, token, doc, method="POST": self.call(path, token, method=method, body=json.dumps(doc).encode(),
                                                                 headers={"Content-Type": "application/json"})
        status = lambda got: (got[0], json.loads(got[2]).get("message", ""))
        self.ok("context", "add", "ops", "--server", self.url, "--ca", os.path.join(self.tls, "ca.crt"),
                "--token", o, "-q", store=False)
        examples = os.path.join(harness.SOURCE_DIR, "examples")
        for name in ("kmeans-train", "kmeans-infer"):
            self.ok("pipeline", "upload", os.path.join(examples, "pipelines", name), "-q", store=False)
        bundle = json.loads(self.call("/api/v1/pipelines/kmeans-train", v)[2])["digest"]
        # Pipelines
        self.assertEqual(self.call("/api/v1/pipelines", None)[0], 401)
        self.assertEqual(len(json.loads(self.call("/api/v1/pipelines", v)[2])["items"]), 2)
        self.assertEqual(self.call("/api/v1/pipelines?name=kmeans-tran", v)[0], 404)
        self.assertEqual(self.call("/api/v1/pipelines/kmeans-train@prod", v)[0], 400)
        self.assertEqual(self.call("/api/v1/pipelines/kmeans-train:7", v)[0], 404)
        self.assertEqual(self.call("/api/v1/pipelines/kmeans-train", None)[0], 401)
        self.assertEqual(self.call("/api/v1/pipelines/kmeans-train:1", v, method="DELETE")[0], 403)
        self.assertEqual(self.call("/api/v1/pipelines/kmeans-train:1", None, method="DELETE")[0], 401)
        self.assertEqual(self.call("/api/v1/pipelines/" + bundle, o, method="DELETE")[0], 400)
        self.assertEqual(self.call("/api/v1/pipelines/nope", o, method="DELETE")[0], 404)
        self.assertEqual(self.call("/api/v1/pipelines/kmeans-train:1", o, method="DELETE")[0], 200)
        self.assertEqual(post("/api/v1/pipelines", v, {"bundle": bundle})[0], 403)
        self.assertEqual(post("/api/v1/pipelines", None, {"bundle": bundle})[0], 401)
        self.assertEqual(status(post("/api/v1/pipelines", o, {"bundle": "sha256:12"})), (400, "invalid bundle digest 'sha256:12'"))
        self.assertEqual(post("/api/v1/pipelines", o, {"bundle": "sha256:" + "0" * 64})[0], 409)
        got = post("/api/v1/pipelines", o, {"bundle": bundle})
        self.assertEqual((got[0], json.loads(got[2])["version"], json.loads(got[2])["createdBy"]), (201, 2, "operator"))
        self.assertEqual((post("/api/v1/pipelines", o, {"bundle": bundle})[0]), 200, "the latest already: unchanged")
        # IONs: checks first (a viewer may), then the apply itself
        quickstart = {"name": "quickstart.yaml", "text": open(os.path.join(examples, "ions", "quickstart.yaml")).read()}
        got = post("/api/v1/ions", v, {"files": [quickstart], "dryRun": True})
        self.assertEqual((got[0], json.loads(got[2])["items"][0]["outcome"]), (200, "created"))
        self.assertIn("applying needs operator", status(post("/api/v1/ions", v, {"files": [quickstart]}))[1])
        self.assertEqual(post("/api/v1/ions", None, {"files": [quickstart]})[0], 401)
        self.assertEqual(post("/api/v1/ions", o, {"files": []})[0], 400)
        self.assertEqual(status(post("/api/v1/ions", v, {"files": [quickstart], "dryRun": "yes"})),
                         (400, "dryRun must be true or false"))
        self.assertEqual(post("/api/v1/ions", o, {"files": [quickstart], "pipelines": [{"manifest": "x"}]})[0], 400)
        self.assertEqual(post("/api/v1/ions", o, {"files": [quickstart], "pipelines": [{"bundle": "sha256:" + "1" * 64}]})[0], 409)
        bad = {"name": "bad.yaml", "text": quickstart["text"].replace("every: 10m", "every: 10 minutes")}
        code, _, body = post("/api/v1/ions", o, {"files": [bad]})
        self.assertEqual((code, json.loads(body)["exitCode"]), (400, 2))
        self.assertTrue(json.loads(body)["message"].startswith("bad.yaml:"), body)
        self.assertEqual(self.call("/api/v1/ions/quickstart", v)[0], 404, "nothing applied by the checks")
        got = post("/api/v1/ions", o, {"files": [quickstart], "pipelines": [{"bundle": bundle}], "cause": "api test"})
        self.assertEqual([(i["kind"], i["outcome"]) for i in json.loads(got[2])["items"]],
                         [("Pipeline", "unchanged"), ("ION", "created")])
        self.assertEqual(self.call("/api/v1/ions", None)[0], 401)
        [ion] = json.loads(self.call("/api/v1/ions", v)[2])["items"]
        self.assertEqual((ion["status"]["appliedBy"], ion["status"]["cause"], ion["status"]["source"]),
                         ("operator", "api test", quickstart["text"]))
        self.assertEqual(self.call("/api/v1/ions/quickstart", None)[0], 401)
        self.assertEqual(self.call("/api/v1/ions/quickstar", v)[0], 404)
        self.assertEqual(self.call("/api/v1/ions/quickstart", v)[0], 200)
        self.assertEqual(len(json.loads(self.call("/api/v1/ions/quickstart/revisions", v)[2])["items"]), 1)
        self.assertEqual(self.call("/api/v1/ions/quickstart/revisions", None)[0], 401)
        self.assertEqual(self.call("/api/v1/ions/nope/revisions", v)[0], 404)
        post("/api/v1/ions", o, {"files": [dict(quickstart, text=quickstart["text"].replace("every: 10m", "every: 20m"))]})
        self.assertEqual(post("/api/v1/ions/quickstart/rollback", None, {"toRevision": 1})[0], 401)
        self.assertEqual(post("/api/v1/ions/quickstart/rollback", v, {"toRevision": 1})[0], 403)
        self.assertEqual(post("/api/v1/ions/quickstart/rollback", o, {"toRevision": 0})[0], 400)
        self.assertEqual(post("/api/v1/ions/quickstart/rollback", o, {"toRevision": 9})[0], 404)
        got = post("/api/v1/ions/quickstart/rollback", o, {"toRevision": 1})
        self.assertEqual((got[0], json.loads(got[2])["items"][0]["revision"]), (200, 3))
        # A model to a node again
        self.write("m.bin", b"model one")
        self.ok("model", "push", self.path("m.bin"), "--name", "quickstart.train", "-q")
        node = "/api/v1/ions/quickstart/nodes/detect/rollback"
        self.assertEqual(post(node, None, {"to": "quickstart.train:1"})[0], 401)
        self.assertEqual(post(node, o, {"to": "quickstart.train:1"})[0], 403, "deploying takes an approver")
        self.assertEqual(post(node, p, {"to": "quickstart.train:x"})[0], 400)
        self.assertEqual(post("/api/v1/ions/quickstart/nodes/detct/rollback", p, {})[0], 404)
        got = post(node, p, {"to": "quickstart.train:1"})
        self.assertEqual((got[0], json.loads(got[2])["model"]), (200, "quickstart.train:1"))
        self.assertEqual(status(post(node, p, {"to": "quickstart.train:1"})),
                         (409, "model 'quickstart.train:1' is already deployed to 'quickstart/detect'"))
        self.assertEqual(self.call("/api/v1/events", None)[0], 401)
        events = json.loads(self.call("/api/v1/events?ion=quickstart", v)[2])["items"]
        self.assertEqual([(e["event"], e["node"], e["model"]) for e in events], [("delivered", "detect", "quickstart.train:1")])
        flows = "/api/v1/ions/quickstart/flows?model=quickstart.train:1"
        self.assertEqual(self.call(flows, None)[0], 401)
        self.assertEqual(self.call("/api/v1/ions/quickstart/flows", v)[0], 400)
        self.assertEqual(self.call(flows.replace("quickstart/", "quickstar/"), v)[0], 404)
        self.assertEqual([f["kind"] for f in json.loads(self.call(flows, v)[2])["items"]], ["delivered"])
        self.assertEqual(self.call("/api/v1/ions/quickstart", v, method="DELETE")[0], 403)
        self.assertEqual(self.call("/api/v1/ions/quickstart", None, method="DELETE")[0], 401)
        self.assertEqual(self.call("/api/v1/ions/nope", o, method="DELETE")[0], 404)
        self.assertEqual(self.call("/api/v1/ions/quickstart", o, method="DELETE")[0], 200)
        # Model aliases, history and deletion, as the caller
        self.ok("model", "push", self.path("m.bin"), "--name", "churn", "-q")
        self.ok("model", "push", self.path("m.bin"), "--name", "churn", "--label", "v=2", "-q")
        alias = "/api/v1/models/churn/aliases/prod"
        self.assertEqual(post(alias, None, {"ref": "churn:1"}, "PUT")[0], 401)
        self.assertEqual(post(alias, v, {"ref": "churn:1"}, "PUT")[0], 403)
        self.assertEqual(status(post(alias, o, {"ref": "fraud:1"}, "PUT")), (400, "ref 'fraud:1' is not a version of model 'churn'"))
        self.assertEqual(post(alias, o, {"ref": "churn:9"}, "PUT")[0], 404)
        got = post(alias, o, {"ref": "churn:1"}, "PUT")
        self.assertEqual((got[0], json.loads(got[2])["version"], json.loads(got[2])["previousVersion"]), (200, 1, None))
        self.assertEqual(self.call("/api/v1/models/churn/history", None)[0], 401)
        self.assertEqual(self.call("/api/v1/models/x!/history", v)[0], 400)
        self.assertEqual(self.call("/api/v1/models/nope/history", v)[0], 404)
        events = json.loads(self.call("/api/v1/models/churn/history", v)[2])["items"]
        self.assertEqual([(e["action"], e["actor"]) for e in events], [("push", "tester"), ("push", "tester"), ("alias", "operator")])
        self.assertEqual(self.call("/api/v1/models/churn:2", None, method="DELETE")[0], 401)
        self.assertEqual(self.call("/api/v1/models/churn:2", v, method="DELETE")[0], 403)
        self.assertEqual(self.call("/api/v1/models/churn:x", o, method="DELETE")[0], 400)
        self.assertEqual(self.call("/api/v1/models/churn:7", o, method="DELETE")[0], 404)
        got = self.call("/api/v1/models/churn:2", o, method="DELETE")
        self.assertEqual((got[0], [i["version"] for i in json.loads(got[2])["items"]]), (200, [2]))

    def test_ion_run_through_the_server_asks_each_agent_the_node_is_placed_on(self):
        self.start()
        operator, viewer = self.token("operator", "ci"), self.token("viewer")
        self.ok("agent", "join", "--server", self.url, "--ca", os.path.join(self.tls, "ca.crt"), "--name", "edge-1",
                "--token", operator, "--dir", self.path("edge"), "-q", store=False)
        me = self.context(cert=self.path("edge", "agent"))
        self.write("p/make/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: make}\n"
                   "spec: {engine: process, steps: [{name: s, run: [true]}]}\n")
        self.write("p/ion.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: far}\nspec:\n  nodes:\n"
                   "    - {name: edge, pipeline: make, placement: {selector: {tier: edge}}}\n"
                   "    - {name: gate, policy: {type: gate, conditions: [{metric: x, op: '>', value: 1}]}}\n"
                   "  edges: []\n")
        self.ok("ion", "apply", "-f", self.path("p"), "-q")
        runs = "/api/v1/ions/far/runs"
        post = lambda path, token, doc: self.call(path, token, method="POST", body=json.dumps(doc).encode())
        code, _, body = post(runs, operator, {"node": "edge"})
        self.assertEqual((code, json.loads(body)["hint"]), (409, "see 'mlops agent list' for the agents and their labels"))
        self.call("/api/v1/agents/edge-1", ctx=me, method="PUT", body=json.dumps({"labels": {"tier": "edge"}}).encode())
        self.assertEqual(post(runs, None, {"node": "edge"})[0], 401)
        self.assertEqual(post(runs, viewer, {"node": "edge"})[0], 403)
        self.assertEqual(post(runs, operator, {"node": "gate"})[0], 400)
        self.assertEqual(post(runs, operator, {"node": "edg"})[0], 404)
        self.assertEqual(post("/api/v1/ions/nope/runs", operator, {"node": "edge"})[0], 404)
        code, _, body = post(runs, operator, {"node": "edge"})
        [req] = json.loads(body)["items"]
        self.assertEqual((code, req["agent"], req["requestedBy"], req["done"]), (201, "edge-1", "ci", False))
        # The agent sees it in its assignment until it reports the run's end through its spool.
        [asked] = json.loads(self.call("/api/v1/agents/edge-1/assignment", ctx=me)[2])["requests"]
        self.assertEqual((asked["id"], asked["node"], asked["requestedBy"]), (req["id"], "edge", "ci"))
        self.assertEqual(self.call(f"/api/v1/run-requests/{req['id']}", None)[0], 401)
        self.assertEqual(self.call("/api/v1/run-requests/999", viewer)[0], 404)
        item = {"seq": 1, "kind": "request", "request": req["id"], "run": "r20261201-000000-abcdef"}
        self.call("/api/v1/agents/edge-1/spool", ctx=me, method="POST", body=json.dumps({"items": [item]}).encode())
        code, _, body = self.call(f"/api/v1/run-requests/{req['id']}", viewer)
        self.assertEqual((code, json.loads(body)["done"], json.loads(body)["run"]), (200, True, item["run"]))
        time.sleep(0.2)  # what assignments are made of is looked at again at most every 100 ms
        self.assertEqual(json.loads(self.call("/api/v1/agents/edge-1/assignment", ctx=me)[2])["requests"], [])
        # 'run cancel' through the server reaches the agent the same way, and the agent reports the end.
        run = {"id": item["run"], "ion": "far", "node": "edge", "pipeline": "make:1", "status": "running", "outcome": "",
               "args": {}, "model": "", "modelIn": "", "startedMs": 1000, "finishedMs": 0, "actor": "ci", "attempts": 1}
        spool = lambda seq, r: self.call("/api/v1/agents/edge-1/spool", ctx=me, method="POST",
                                         body=json.dumps({"items": [{"seq": seq, "kind": "run", "run": r}]}).encode())
        spool(2, run)
        # Its log, in pieces by the agent's offsets; a piece sent again is there once.
        log = lambda seq, offset, data: {"seq": seq, "kind": "log", "run": run["id"], "offset": offset, "data": data}
        items = [log(10, 0, "hello "), log(11, 6, "world\n"), log(12, 0, "hello "), dict(log(13, 0, "x"), run="../x")]
        code, _, body = self.call("/api/v1/agents/edge-1/spool", ctx=me, method="POST", body=json.dumps({"items": items}).encode())
        self.assertEqual((json.loads(body)["applied"], json.loads(body)["rejected"]), (3, 1))
        self.assertEqual(self.call(f"/api/v1/runs/{run['id']}/log", viewer)[2], b"hello world\n")
        self.assertEqual(self.call(f"/api/v1/runs/{run['id']}/log?offset=6", viewer)[2], b"world\n")
        self.assertEqual(self.call(f"/api/v1/runs/{run['id']}/log?offset=x", viewer)[0], 400)
        self.assertEqual(self.call(f"/api/v1/runs/{run['id']}/log", None)[0], 401)
        self.assertEqual(self.call("/api/v1/runs/r20990101-000000-000000/log", viewer)[0], 404)
        self.assertFalse(os.path.exists(os.path.join(self.store, "runs", "..", "x")))
        cancel = f"/api/v1/runs/{run['id']}/cancel"
        self.assertEqual(self.call(cancel, None, method="POST", body=b"{}")[0], 401)
        self.assertEqual(self.call(cancel, viewer, method="POST", body=b"{}")[0], 403)
        self.assertEqual(self.call("/api/v1/runs/r20990101-000000-000000/cancel", operator, method="POST", body=b"{}")[0], 404)
        code, _, body = self.call(cancel, operator, method="POST", body=b"{}")
        self.assertEqual((code, json.loads(body)["status"]), (200, "running"))
        time.sleep(0.2)
        self.assertEqual(json.loads(self.call("/api/v1/agents/edge-1/assignment", ctx=me)[2])["cancels"],
                         [{"run": run["id"], "by": "ci"}])
        spool(14, dict(run, status="cancelled", outcome="cancelled by ci", finishedMs=2000))
        code, _, body = self.call(cancel, operator, method="POST", body=b"{}")
        self.assertEqual((code, json.loads(body)["message"]), (409, f"run '{run['id']}' is not running: it was cancelled"))
        time.sleep(0.2)
        self.assertEqual(json.loads(self.call("/api/v1/agents/edge-1/assignment", ctx=me)[2])["cancels"], [])

    def test_stats_health_and_alerts_answer_as_described(self):
        examples = os.path.join(harness.SOURCE_DIR, "examples")
        for p in ("kmeans-train", "kmeans-infer"):
            self.ok("pipeline", "upload", os.path.join(examples, "pipelines", p), "-q")
        with open(os.path.join(examples, "ions", "quickstart.yaml")) as f:
            self.write("q.yaml", f.read().replace("args: {threshold: 1.5}", "args: {threshold: 1.5, shift: 3}"))
        self.ok("ion", "apply", "-f", self.path("q.yaml"), "-q")
        self.ok("ion", "run", "quickstart", "--once", "-q")  # a drifted window: a health alert
        self.start()
        viewer, operator = self.token("viewer"), self.token("operator")
        code, _, body = self.call("/api/v1/stats?limit=3", viewer)
        doc = json.loads(body)
        self.assertEqual((code, len(doc["items"])), (200, 3))
        self.assertEqual(doc["items"][-1]["id"], doc["last"], "the newest three")
        code, _, body = self.call(f"/api/v1/stats?after={doc['last'] - 1}&name=anomalies", viewer)
        self.assertEqual((code, [p["name"] for p in json.loads(body)["items"]]), (200, ["anomalies"]))
        code, _, body = self.call("/api/v1/stats?after=soon", viewer)
        self.assertEqual((code, json.loads(body)["message"]), (400, "invalid after 'soon': a whole number"))
        self.assertEqual(self.call("/api/v1/stats", None)[0], 401)
        code, _, body = self.call("/api/v1/stats/buckets?name=scored&every=3600000&agg=max", viewer)
        self.assertEqual((code, [b["value"] for b in json.loads(body)["items"]]), (200, [200]))
        self.assertEqual(self.call("/api/v1/stats/buckets?every=1000", viewer)[0], 400)
        self.assertEqual(self.call("/api/v1/stats/buckets?name=scored&every=1m", viewer)[0], 400)
        self.assertEqual(self.call("/api/v1/stats/buckets?name=scored&every=1000&agg=mean", viewer)[0], 400)
        self.assertEqual(self.call("/api/v1/stats/buckets?name=scored&every=1000", None)[0], 401)
        code, _, body = self.call("/api/v1/stats/summary?ion=quickstart&source=health", viewer)
        self.assertEqual((code, sorted(r["name"] for r in json.loads(body)["items"])), (200, ["x", "y"]))
        self.assertEqual(self.call("/api/v1/stats/summary", None)[0], 401)
        code, _, body = self.call("/api/v1/health?ion=quickstart", viewer)
        [node] = json.loads(body)["items"]
        self.assertEqual((code, node["node"], node["features"][0]["name"]), (200, "detect", "x"))
        self.assertEqual(self.call("/api/v1/health", None)[0], 401)
        code, _, body = self.call("/api/v1/alerts", viewer)
        [alert] = json.loads(body)["items"]
        self.assertEqual((code, alert["source"], alert["name"]), (200, "health", "drift"))
        self.assertEqual(self.call("/api/v1/alerts", None)[0], 401)
        ack = f"/api/v1/alerts/{alert['id']}/ack"
        post = lambda path, token, body: self.call(path, token, method="POST", body=body)
        self.assertEqual(post(ack, None, b"{}")[0], 401)
        self.assertEqual(post(ack, viewer, b"{}")[0], 403)
        self.assertEqual(post(ack, operator, b'{"comment": 5}')[0], 400)
        self.assertEqual(post("/api/v1/alerts/999/ack", operator, b"{}")[0], 404)
        code, _, body = post(ack, operator, b'{"comment": "looking"}')
        self.assertEqual((code, json.loads(body)["ack"]["by"], json.loads(body)["ack"]["comment"]), (200, "operator", "looking"))
        self.assertEqual(json.loads(self.call("/api/v1/alerts", viewer)[2])["items"], [], "acknowledged")
        self.assertEqual(len(json.loads(self.call("/api/v1/alerts?all=true", viewer)[2])["items"]), 1)
        self.assertEqual(self.call("/metrics", None)[0], 401)
        code, headers, body = self.call("/metrics", viewer)
        self.assertEqual((code, headers["Content-Type"]), (200, "text/plain; version=0.0.4; charset=utf-8"))
        text = body.decode()
        self.assertIn('mlops_runs_total{ion="quickstart",node="detect",status="succeeded"} 1\n', text)
        self.assertIn('mlops_health_score{ion="quickstart",node="detect"} 0.5\n', text)
        self.assertRegex(text, r'mlops_http_request_duration_seconds_bucket\{code="2xx",le="\+Inf",method="GET",'
                               r'route="/api/v1/alerts"\} [0-9]+\n')
        check = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

    def test_plain_http_only_on_the_loopback_and_a_clean_stop(self):
        self.assertEqual(self.fails(2, "server", "run", "--listen", "0.0.0.0:0", "--insecure-http"),
                         "mlops: error: plain HTTP only on the loopback, not on '0.0.0.0' "
                         "[drop --insecure-http, or listen on 127.0.0.1]\n")
        self.assertIn("invalid port in --listen '127.0.0.1:http'", self.fails(2, "server", "run", "--listen", "127.0.0.1:http"))
        self.assertEqual(self.fails(3, "server", "run", "--tls-dir", self.path("none")),
                         f"mlops: error: no '{self.path('none')}/ca.crt' [make the certificates with 'mlops certs init']\n")
        proc = self.start("--insecure-http")
        self.assertTrue(self.url.startswith("http://"))
        with urllib.request.urlopen(urllib.request.Request(self.url + "/api/v1/version",
                                                           headers={"Authorization": "Bearer " + self.token("viewer")}),
                                    timeout=10) as r:
            self.assertEqual(json.loads(r.read())["kind"], "Version")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 0, err)


if __name__ == "__main__":
    unittest.main()
