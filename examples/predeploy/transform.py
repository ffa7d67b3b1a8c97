"""Transforms SAM templates into the CloudFormation that `sam deploy` would create, offline.

Uses the SAM translator that cfn-lint installs (cfn-lint's own offline wrapper: managed policies
from its bundled list, local CodeUris replaced by placeholders). Usage:
    python3 transform.py OUT_DIR TEMPLATE [TEMPLATE ...]
writes OUT_DIR/<template folder>.json for each template.yaml (OUT_DIR/<file name>.json for other names); exits 1 naming any template that fails.
"""
import json
import os
import sys

from cfnlint.decode import decode
from cfnlint.template.transforms._sam import Transform


def main(argv):
    out_dir, templates = argv[1], argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    failed = 0
    for path in templates:
        template, problems = decode(path)
        if problems:
            print(f"{path}: cannot be read: {problems}", file=sys.stderr)
            failed += 1
            continue
        transform = Transform(path, template, "us-east-1")
        errors = transform.transform_template()
        if errors:
            print(f"{path}: the SAM translator refused it: {[str(e) for e in errors]}", file=sys.stderr)
            failed += 1
            continue
        base = os.path.basename(path)
        # an example's template.yaml is named after its folder; any other template after its file
        name = os.path.basename(os.path.dirname(os.path.abspath(path))) if base == "template.yaml" else os.path.splitext(base)[0]
        with open(os.path.join(out_dir, name + ".json"), "w", encoding="utf-8") as out:
            json.dump(transform.template(), out, indent=1, default=str)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
