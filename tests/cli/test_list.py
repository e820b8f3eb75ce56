"""model list: filters and every output format."""
import json

import harness
import yaml_free


class List(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        self.ok("model", "push", self.write("a.bin", "a"), "-n", "fraud", "--label", "team=risk", "--metric", "auc=0.8")
        self.ok("model", "push", self.write("b.bin", "bb"), "-n", "churn", "--label", "team=growth")
        self.ok("model", "push", self.write("c.bin", "ccc"), "-n", "churn", "--label", "team=risk", "--label", "tier=1")

    def test_table_is_sorted_by_name_then_version(self):
        lines = self.ok("model", "list").splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "VERSION", "DIGEST", "SIZE", "ALIASES", "AGE"])
        self.assertEqual([l.split()[:2] for l in lines[1:]], [["churn", "1"], ["churn", "2"], ["fraud", "1"]])

    def test_wide_adds_columns_and_no_headers_drops_the_header(self):
        lines = self.ok("model", "list", "-o", "wide", "--no-headers").splitlines()
        self.assertEqual(len(lines), 3)
        self.assertIn("auc=0.8", lines[2])
        self.assertIn("team=risk", lines[2])
        self.assertIn("tester", lines[2])

    def test_name_and_selectors(self):
        self.assertEqual(self.ok("model", "list", "-o", "name"), "model/churn:1\nmodel/churn:2\nmodel/fraud:1\n")
        self.assertEqual(self.ok("model", "list", "-l", "team=risk", "-o", "name"), "model/churn:2\nmodel/fraud:1\n")
        self.assertEqual(self.ok("model", "list", "-l", "team=risk", "-l", "tier=1", "-o", "name"), "model/churn:2\n")
        self.assertEqual(self.ok("model", "list", "churn", "-l", "team=growth", "-o", "name"), "model/churn:1\n")

    def test_json_and_yaml_carry_api_version_and_kind(self):
        doc = json.loads(self.ok("model", "list", "fraud", "-o", "json"))
        self.assertEqual(doc["apiVersion"], "mlops/v1")
        self.assertEqual(doc["kind"], "ModelVersionList")
        self.assertEqual([(i["name"], i["version"], i["size"]) for i in doc["items"]], [("fraud", 1, 1)])
        self.assertEqual(sorted(doc["items"][0]), ["aliases", "createdAt", "createdBy", "digest", "files", "labels",
                                                   "metrics", "mode", "name", "params", "size", "source", "type",
                                                   "version"])
        y = self.ok("model", "list", "fraud", "-o", "yaml")
        self.assertEqual(yaml_free.top_level(y), {"apiVersion": "mlops/v1", "kind": "ModelVersionList"})
        self.assertIn('  mode: "0644"\n', y, "strings that look like numbers are quoted")

    def test_empty_results(self):
        r = self.run_mlops("model", "list", "-l", "team=nobody")
        self.assertEqual((r.code, r.out, r.err), (0, "", "no model versions found\n"))
        self.assertEqual(self.ok("model", "list", "-l", "team=nobody", "-o", "name"), "")

    def test_unknown_name(self):
        self.assertEqual(self.fails(3, "model", "list", "chrun"),
                         "mlops: error: no model named 'chrun' [did you mean 'churn'?]\n")


if __name__ == "__main__":
    harness.main()
