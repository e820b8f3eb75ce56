"""The manifest schemas are the contract: valid JSON Schema, and a description on every field."""
import json
import os
import subprocess

import harness
from test_pipeline import SYSTEM_PYTHON

SCHEMAS = os.path.join(harness.SOURCE_DIR, "schemas")


def undescribed(node, path="$"):
    """Paths of properties that carry no description (directly or on what they $ref)."""
    missing = []
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            if isinstance(prop, dict) and "description" not in prop:
                missing.append(f"{path}.{name}")
        for key, value in node.items():
            missing += undescribed(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            missing += undescribed(item, f"{path}[{i}]")
    return missing


class Schemas(harness.MlopsTest):
    def test_manifest_schemas_describe_every_field(self):
        for name in ("pipeline", "ion"):
            with open(os.path.join(SCHEMAS, f"{name}.schema.json")) as f:
                schema = json.load(f)
            with self.subTest(schema=name):
                # Properties named in if/then branches only select or allow fields described elsewhere.
                self.assertEqual([p for p in undescribed(schema) if ".then." not in p and ".if." not in p], [])

    def test_every_schema_is_valid_json_schema(self):
        program = ("import json, sys, jsonschema\n"
                   "for p in sys.argv[1:]:\n"
                   "    jsonschema.Draft202012Validator.check_schema(json.load(open(p)))\n")
        paths = [os.path.join(SCHEMAS, f) for f in sorted(os.listdir(SCHEMAS)) if f.endswith(".json")]
        p = subprocess.run([SYSTEM_PYTHON, "-c", program] + paths, capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stderr), (0, ""))


if __name__ == "__main__":
    harness.main()
