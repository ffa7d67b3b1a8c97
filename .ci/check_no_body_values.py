#!/usr/bin/env python3
"""Fails when any test's output (log lines, printed errors) contains a message body's value.

Tests send the canaries of io.github.serverlesspatterns.testing.SensitiveValues (an e-mail address,
a card number, an IBAN) down the library's failure paths; the library must name ids, fields and
types, never values. This scans every surefire *-output.txt under the given root (default: the
repository) and names each file and line number that holds a canary, without printing the line.
"""
import pathlib
import re
import sys

SOURCE = pathlib.Path(__file__).resolve().parent.parent / "patterns-testing/src/main/java/io/github/serverlesspatterns/testing/SensitiveValues.java"


def canaries():
    found = re.findall(r'public static final String \w+ = "([^"]+)";', SOURCE.read_text(encoding="utf-8"))
    if len(found) < 3:
        sys.exit(f"check_no_body_values: could not read the canaries from {SOURCE}")
    return found


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    values = canaries()
    outputs = sorted(root.glob("**/target/surefire-reports/*-output.txt"))
    if not outputs:
        sys.exit("check_no_body_values: no test output found (run the tests first)")
    leaks = []
    for path in outputs:
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                for value in values:
                    if value in line:
                        leaks.append(f"{path}:{number}: holds the canary {value[:4]}...")
    if leaks:
        print("A message body's value reached a log line (SensitiveValues canaries):", file=sys.stderr)
        print("\n".join(leaks), file=sys.stderr)
        sys.exit(1)
    print(f"no body values in {len(outputs)} test outputs ({len(values)} canaries)")


if __name__ == "__main__":
    main()
