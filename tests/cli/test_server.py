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


if __name__ == "__main__":
    unittest.main()
