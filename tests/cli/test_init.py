"""Store location, creation and the global flags every command shares."""
import json
import os

import harness


class Init(harness.MlopsTest):
    def test_init_is_idempotent(self):
        self.assertEqual(self.ok("init"), f"store '{self.store}' created\n")
        layout = sorted(os.listdir(self.store))
        self.assertEqual(layout, ["blobs", "catalog.db", "tmp"])
        self.assertEqual(len(os.listdir(os.path.join(self.store, "blobs", "sha256"))), 256)
        self.assertEqual(self.ok("init"), f"store '{self.store}' unchanged\n")
        self.assertEqual(self.ok("init", "-o", "name"), f"{self.store}\n")
        doc = json.loads(self.ok("init", "-o", "json"))
        self.assertEqual(doc, {"apiVersion": "mlops/v1", "kind": "Store", "path": self.store, "created": False,
                               "schemaVersion": 13})

    def test_default_store_is_created_on_first_use_under_xdg_data_home(self):
        self.assertEqual(self.ok("model", "list", store=False), "")
        default = os.path.join(self.env["XDG_DATA_HOME"], "mlops")
        self.assertTrue(os.path.exists(os.path.join(default, "catalog.db")))
        env = dict(self.env)
        del env["XDG_DATA_HOME"]
        self.ok("model", "push", self.write("m.bin", "x"), "-n", "m", store=False, env={"XDG_DATA_HOME": ""})
        self.assertTrue(os.path.exists(os.path.join(self.env["HOME"], ".local", "share", "mlops", "catalog.db")))

    def test_mlops_store_environment_variable(self):
        self.ok("model", "push", self.write("m.bin", "x"), "-n", "m", store=False, env={"MLOPS_STORE": self.store})
        self.assertEqual(self.ok("model", "list", "-o", "name"), "model/m:1\n")

    def test_push_creates_a_named_store(self):
        self.assertFalse(os.path.exists(self.store))
        self.ok("model", "push", self.write("m.bin", "x"), "-n", "m")
        self.assertTrue(os.path.exists(os.path.join(self.store, "catalog.db")))

    def test_global_flags_anywhere(self):
        self.ok("model", "push", self.write("m.bin", "x"), "-n", "m")
        self.assertEqual(self.ok("-o", "name", "model", "list"), "model/m:1\n")
        self.assertEqual(self.ok("model", "list", "--output=name"), "model/m:1\n")
        self.assertEqual(self.ok("-q", "model", "alias", "set", "m", "prod"), "")
        verbose = self.run_mlops("model", "list", "-v", "-o", "name")
        self.assertEqual(verbose.err, f"mlops: using store '{self.store}'\n")

    def test_version(self):
        self.assertRegex(self.ok("--version", store=False), r"^mlops \d+\.\d+\.\d+\n$")

    def test_no_color_when_not_a_terminal(self):
        err = self.fails(3, "model", "show", "nothing")
        self.assertNotIn("\033[", err)


if __name__ == "__main__":
    harness.main()
