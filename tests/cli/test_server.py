"""The pieces of a deployment: certificates made by 'certs init', checked with OpenSSL's own tools
and used for a real TLS handshake by Python's ssl module."""
import json
import os
import socket
import ssl
import stat
import subprocess
import threading
import unittest

import harness
import schema_check

SCHEMA = json.load(open(os.path.join(harness.SOURCE_DIR, "schemas", "output.schema.json")))


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


if __name__ == "__main__":
    unittest.main()
