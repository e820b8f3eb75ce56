"""Bad input gets an exact message, a documented exit code, and leaves the store exactly as it was."""
import os
import shutil
import sqlite3
import subprocess
import textwrap
import unittest

import harness

USAGE, ERROR, NOT_FOUND, INTEGRITY, PERMISSION, NO_SPACE, INCOMPATIBLE = 2, 1, 3, 4, 7, 8, 9
REF_HINT = "[use NAME, NAME:VERSION, NAME@ALIAS or sha256:HEX]"


class BadInput(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        self.ok("model", "push", self.write("m.bin", "model"), "--name", "churn")
        self.ok("model", "alias", "set", "churn:1", "prod")
        self.before = self.store_state()

    def tearDown(self):
        self.assertEqual(self.store_state(), self.before, "the store changed")
        super().tearDown()

    def expect(self, code, args, message):
        self.assertEqual(self.fails(code, *args), f"mlops: error: {message}\n")

    def test_missing_input(self):
        self.expect(NOT_FOUND, ["model", "push", "nope.bin", "-n", "churn"],
                    "cannot read 'nope.bin': no such file or directory")
        self.expect(NOT_FOUND, ["model", "push", "m.bin/inner", "-n", "churn"],
                    "cannot read 'm.bin/inner': not a directory")

    def test_special_input(self):
        self.expect(ERROR, ["model", "push", "/dev/null", "-n", "churn"],
                    "cannot push '/dev/null': not a regular file or directory")

    def test_unreadable_input(self):
        secret = self.write("secret.bin", "top secret", mode=0o600)
        prefix = ()
        if os.geteuid() == 0:
            # root reads anything; drop to nobody, who may write the store but not the file.
            subprocess.run(["chmod", "-R", "a+rwX", self.store], check=True)
            self.before = self.store_state()
            prefix = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
        self.assertEqual(self.fails(PERMISSION, "model", "push", secret, "-n", "churn", prefix=prefix),
                         f"mlops: error: cannot read '{secret}': permission denied\n")

    def test_malformed_references(self):
        cases = {
            "churn:x": "version must be a positive integer",
            "churn:0": "version must be a positive integer",
            "churn@1": "alias '1': it must start with a lower-case letter",
            "churn:1@prod": "give a version or an alias, not both",
            "sha256:abc": "a digest is 64 lower-case hex characters",
            "a/b": "model name 'a/b': only letters, digits, '.', '_' and '-' are allowed",
            ":1": "model name '': it is empty",
        }
        for ref, why in cases.items():
            for cmd in (["model", "show", ref], ["model", "pull", ref, "-d", self.path("out")]):
                with self.subTest(ref=ref, cmd=cmd[1]):
                    self.expect(USAGE, cmd, f"invalid model reference '{ref}': {why} {REF_HINT}")
        self.assertFalse(os.path.exists(self.path("out")))

    def test_unknown_names_versions_aliases_and_digests(self):
        self.expect(NOT_FOUND, ["model", "show", "churn:7"], "model 'churn' has no version 7")
        self.expect(NOT_FOUND, ["model", "pull", "churn:7"], "model 'churn' has no version 7")
        self.expect(NOT_FOUND, ["model", "show", "chrun"], "no model named 'chrun' [did you mean 'churn'?]")
        self.expect(NOT_FOUND, ["model", "show", "zzz"], "no model named 'zzz'")
        self.expect(NOT_FOUND, ["model", "show", "churn@prd"], "model 'churn' has no alias 'prd' [did you mean 'churn@prod'?]")
        self.expect(NOT_FOUND, ["model", "show", "sha256:" + "0" * 64], f"no model version has digest 'sha256:{'0' * 64}'")
        self.expect(NOT_FOUND, ["model", "delete", "churn:2"], "model 'churn' has no version 2")
        self.expect(NOT_FOUND, ["model", "alias", "set", "churn:2", "prod"], "model 'churn' has no version 2")
        self.expect(NOT_FOUND, ["model", "history", "chrun"], "no model named 'chrun' [did you mean 'churn'?]")

    def test_bad_names_and_values(self):
        self.expect(USAGE, ["model", "push", "m.bin", "-n", "-x"], "invalid model name '-x': it must start with a letter or digit")
        self.expect(USAGE, ["model", "push", "m.bin", "-n"], "option '--name' needs a value [see 'mlops model push --help']")
        self.expect(USAGE, ["model", "push", "m.bin", "-n", "bad name"],
                    "invalid model name 'bad name': only letters, digits, '.', '_' and '-' are allowed")
        self.expect(USAGE, ["model", "push", "m.bin", "-n", "m", "--metric", "auc"], "invalid --metric 'auc': expected KEY=VALUE")
        self.expect(USAGE, ["model", "push", "m.bin", "-n", "m", "--metric", "auc=high"],
                    "invalid --metric 'auc=high': value must be a finite number")
        self.expect(USAGE, ["model", "push", "m.bin", "-n", "m", "--label", "=x"], "invalid --label '=x': expected KEY=VALUE")
        self.expect(USAGE, ["model", "alias", "set", "churn:1", "Prod"],
                    "invalid alias 'Prod': it must start with a lower-case letter")
        self.expect(USAGE, ["model", "delete", "sha256:" + "a" * 64],
                    f"cannot delete by digest 'sha256:{'a' * 64}' [name a version: NAME:VERSION]")

    def test_usage_errors(self):
        self.expect(USAGE, ["modle", "list"], "'modle' is not a 'mlops' command [did you mean 'model'?]")
        self.expect(USAGE, ["model", "lst"], "'lst' is not a 'mlops model' command [did you mean 'list'?]")
        self.expect(USAGE, ["frobnicate"], "'frobnicate' is not a 'mlops' command [see 'mlops --help']")
        self.expect(USAGE, ["model"], "'mlops model' needs a command [see 'mlops model --help']")
        self.expect(USAGE, ["model", "push", "m.bin"], "--name is required [see 'mlops model push --help']")
        self.expect(USAGE, ["model", "push", "m.bin", "-n", "m", "--metrc", "a=1"],
                    "unknown option '--metrc' (did you mean '--metric'?) [see 'mlops model push --help']")
        self.expect(USAGE, ["model", "show", "a", "b"], "unexpected argument 'b' [see 'mlops model show --help']")
        self.expect(USAGE, ["model", "list", "-o", "jsn"],
                    "invalid --output 'jsn': use table, wide, json, yaml or name [did you mean 'json'?]")

    def test_missing_store(self):
        missing = self.path("nowhere")
        self.assertEqual(self.fails(NOT_FOUND, "--store", missing, "model", "list", store=False),
                         f"mlops: error: no store at '{missing}' [run 'mlops init --store {missing}']\n")
        self.assertFalse(os.path.exists(missing), "reading must not create a store")
        not_dir = self.write("file", "x")
        self.assertEqual(self.fails(ERROR, "--store", not_dir, "model", "list", store=False),
                         f"mlops: error: store '{not_dir}' is not a directory\n")

    def test_store_from_a_newer_mlops(self):
        db = sqlite3.connect(os.path.join(self.store, "catalog.db"))
        db.execute("PRAGMA user_version=99")
        db.close()
        self.before = self.store_state()
        catalog = os.path.join(self.store, "catalog.db")
        message = (f"store catalog '{catalog}' has schema version 99, newer than this mlops supports (13) "
                   "[upgrade mlops to use this store]")
        self.expect(INCOMPATIBLE, ["model", "list"], message)
        self.expect(INCOMPATIBLE, ["model", "push", "m.bin", "-n", "other"], message)
        self.expect(INCOMPATIBLE, ["init"], message)

    def test_full_disk(self):
        if shutil.which("unshare") is None:
            self.fail("unshare (util-linux) is needed to mount a small disk for this test")
        small = self.path("small")
        os.makedirs(small)
        self.write("big.bin", os.urandom(12 << 20))
        script = textwrap.dedent(f"""
            set -e
            mount -t tmpfs -o size=8m tmpfs {small}
            {harness.BIN} --store {small}/store model push {self.path('m.bin')} -n churn >/dev/null
            find {small}/store -path '*catalog.db*' -prune -o -type f -print | sort | xargs sha256sum > {self.path('before')}
            set +e
            {harness.BIN} --store {small}/store model push {self.path('big.bin')} -n churn 2>{self.path('err')}
            echo $? > {self.path('code')}
            set -e
            find {small}/store -path '*catalog.db*' -prune -o -type f -print | sort | xargs sha256sum > {self.path('after')}
            {harness.BIN} --store {small}/store model list -o name > {self.path('list')}
            {harness.BIN} --store {small}/store store fsck > {self.path('fsck')}
        """)
        p = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=self.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        read = lambda name: open(self.path(name)).read()
        self.assertEqual(read("code").strip(), str(NO_SPACE))
        self.assertEqual(read("err"), f"mlops: error: cannot store '{self.path('big.bin')}': no space left on device "
                                      "[free some space, or run 'mlops store gc']\n")
        self.assertEqual(read("after"), read("before"))
        self.assertEqual(read("list"), "model/churn:1\n")
        self.assertIn(": ok", read("fsck"))


if __name__ == "__main__":
    harness.main()
