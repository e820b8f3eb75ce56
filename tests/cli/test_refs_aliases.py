"""References, aliases, history and deletion."""
import json

import harness


class RefsAndAliases(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        for i in range(1, 4):
            self.ok("model", "push", self.write(f"v{i}/model.bin", f"version {i}"), "--name", "churn")

    def version_of(self, ref):
        return json.loads(self.ok("model", "show", ref, "-o", "json"))["version"]

    def test_every_kind_of_reference(self):
        self.assertEqual(self.version_of("churn"), 3, "a bare name is the latest version")
        self.assertEqual(self.version_of("churn:2"), 2)
        self.ok("model", "alias", "set", "churn:1", "prod")
        self.assertEqual(self.version_of("churn@prod"), 1)
        digest = harness.sha256_file(self.path("v2", "model.bin"))
        self.assertEqual(self.version_of(f"sha256:{digest}"), 2)
        # An alias names a version of a model; a digest names bytes.
        self.assertEqual(self.fails(2, "model", "alias", "set", f"sha256:{digest}", "prod"),
                         f"mlops: error: cannot set an alias on digest 'sha256:{digest}' [name a version: NAME:VERSION]\n")

    def test_alias_moves_atomically_and_history_records_who_and_when(self):
        self.assertEqual(self.ok("model", "alias", "set", "churn:1", "prod"), "model/churn@prod set to version 1\n")
        self.assertEqual(self.ok("model", "alias", "set", "churn:3", "prod", env={"MLOPS_ACTOR": "alice"}),
                         "model/churn@prod moved from version 1 to 3\n")
        self.assertEqual(self.ok("model", "alias", "set", "churn@prod", "prod"),
                         "model/churn@prod unchanged (version 3)\n")
        history = json.loads(self.ok("model", "history", "churn", "-o", "json"))
        self.assertEqual(history["kind"], "ModelEventList")
        moves = [(e["action"], e.get("alias"), e["fromVersion"], e["toVersion"], e["actor"]) for e in history["items"]]
        self.assertEqual(moves, [("push", None, None, 1, "tester"), ("push", None, None, 2, "tester"),
                                 ("push", None, None, 3, "tester"), ("alias", "prod", None, 1, "tester"),
                                 ("alias", "prod", 1, 3, "alice")])
        for e in history["items"]:
            self.assertRegex(e["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        table = self.ok("model", "history", "churn").splitlines()
        self.assertEqual(table[0].split(), ["TIME", "ACTOR", "ACTION", "CHANGE"])
        self.assertEqual(table[-1].split()[1:], ["alice", "alias", "prod", "1", "->", "3"])

    def test_aliases_show_in_list_and_show(self):
        self.ok("model", "alias", "set", "churn:2", "prod")
        self.ok("model", "alias", "set", "churn:2", "candidate")
        self.assertEqual(json.loads(self.ok("model", "show", "churn:2", "-o", "json"))["aliases"],
                         ["candidate", "prod"])
        rows = self.ok("model", "list", "churn", "--no-headers").splitlines()
        self.assertEqual(rows[1].split()[5], "candidate,prod")  # SIZE is two words: "11 B"

    def test_delete_version_removes_its_aliases_and_never_reuses_numbers(self):
        self.ok("model", "alias", "set", "churn:3", "prod")
        self.assertEqual(self.ok("model", "delete", "churn@prod"), "model/churn:3 deleted\n")
        err = self.fails(3, "model", "show", "churn@prod")
        self.assertEqual(err, "mlops: error: model 'churn' has no alias 'prod'\n")
        out = self.ok("model", "push", self.write("v4/model.bin", "version 4"), "--name", "churn")
        self.assertTrue(out.startswith("model/churn:4 "), out)
        events = json.loads(self.ok("model", "history", "churn", "-o", "json"))["items"]
        self.assertIn({"action": "alias", "alias": "prod", "fromVersion": 3, "toVersion": None},
                      [{k: e[k] for k in ("action", "alias", "fromVersion", "toVersion") if k in e} for e in events])

    def test_delete_whole_model(self):
        self.assertEqual(self.ok("model", "delete", "churn"), "model/churn deleted (3 versions)\n")
        self.fails(3, "model", "show", "churn")
        self.assertEqual(self.ok("model", "list", "-o", "json"),
                         json.dumps({"apiVersion": "mlops/v1", "items": [], "kind": "ModelVersionList"}, indent=2) + "\n")
        # The history outlives the model.
        self.assertIn("every version", self.ok("model", "history", "churn"))


if __name__ == "__main__":
    harness.main()
