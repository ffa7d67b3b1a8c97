#!/usr/bin/env python3
"""Footprint of each published module: its jar size and the dependency tree a user gets.

For every published module this writes a throwaway Maven project that depends on that module
alone (as a user's Lambda would), resolves it with maven-dependency-plugin, and reports the
module's jar size, the runtime jars the user gets and their total size, and whether Netty,
Jackson or Lettuce come with it. Optional dependencies of a module (store backends, clients the
user passes in) are not part of what a user gets, exactly as Maven resolves them.

Usage (from the repository root, after `./mvnw -B -q install -DskipTests -Djmh.smoke.skip=true`):
    python3 jmh/footprint/footprint.py [--out FILE] [--check]
--check exits 1 when a module other than patterns-testing brings Netty, Jackson or Lettuce.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

GROUP = "io.github.serverlesspatterns"
MODULES = ["patterns-core", "patterns-idempotency", "patterns-circuitbreaker", "patterns-fifo",
           "patterns-fanout", "patterns-cache", "patterns-testing"]
HEAVY = {"Netty": r"^io\.netty:", "Jackson": r"^com\.fasterxml\.jackson|^tools\.jackson", "Lettuce": r"^io\.lettuce:"}
ALLOWED_HEAVY = {"patterns-testing"}  # the test kit runs real servers; it is a test-scope dependency
PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.11.0"


def version(root):
    with open(os.path.join(root, "pom.xml"), encoding="utf-8") as f:
        pom = f.read()
    return re.search(r"<artifactId>serverless-patterns-parent</artifactId>\s*<version>([^<]+)</version>", pom).group(1)


def resolve(root, module, ver, work):
    project = os.path.join(work, module)
    os.makedirs(project, exist_ok=True)
    with open(os.path.join(project, "pom.xml"), "w", encoding="utf-8") as f:
        f.write(f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId><artifactId>user-of-{module}</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>{GROUP}</groupId><artifactId>{module}</artifactId><version>{ver}</version></dependency>
  </dependencies>
</project>
""")
    mvnw = os.path.join(root, "mvnw")
    tree, listing = os.path.join(project, "tree.txt"), os.path.join(project, "list.txt")
    for goal, extra in ((f"{PLUGIN}:tree", [f"-DoutputFile={tree}", "-Dscope=runtime"]),
                        (f"{PLUGIN}:list", [f"-DoutputFile={listing}", "-DincludeScope=runtime",
                                            "-DoutputAbsoluteArtifactFilename=true", "-DexcludeTransitive=false"])):
        subprocess.run([mvnw, "-B", "-q", "-f", os.path.join(project, "pom.xml"), goal] + extra, check=True, cwd=root)
    with open(tree, encoding="utf-8") as f:
        tree_text = f.read().rstrip()
    jars = []
    with open(listing, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s+([^:\s]+):([^:]+):jar:(?:[^:]+:)?([^:]+):(compile|runtime):(/.+?\.jar)", line)
            if m:
                jars.append((f"{m.group(1)}:{m.group(2)}", m.group(5)))
    return tree_text, jars


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="also write the Markdown report here")
    parser.add_argument("--check", action="store_true", help="fail when a module brings Netty, Jackson or Lettuce")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ver = version(root)
    rows, trees, violations = [], [], []
    with tempfile.TemporaryDirectory(prefix="footprint-") as work:
        for module in MODULES:
            jar = os.path.join(root, module, "target", f"{module}-{ver}.jar")
            if not os.path.exists(jar):
                sys.exit(f"{jar} is missing: run ./mvnw -B -q install -DskipTests -Djmh.smoke.skip=true first")
            print(f"resolving {module} as a user would ...", file=sys.stderr)
            tree, jars = resolve(root, module, ver, work)
            others = [(ga, path) for ga, path in jars if ga != f"{GROUP}:{module}"]
            ours = [ga for ga, _ in others if ga.startswith(GROUP + ":")]
            heavy = [name for name, pattern in HEAVY.items() if any(re.match(pattern, ga) for ga, _ in others)]
            if heavy and module not in ALLOWED_HEAVY:
                violations.append(f"{module} brings {', '.join(heavy)}")
            total = sum(os.path.getsize(p) for _, p in others)
            rows.append(f"| `{module}` | {os.path.getsize(jar) / 1024:.1f} | {len(others)} ({len(ours)} of ours) | "
                        f"{total / 1024 / 1024:.2f} | {', '.join(heavy) if heavy else 'none'} |")
            trees.append(f"`{module}`:\n```\n{tree}\n```")
    report = ("| module | jar (KiB) | runtime jars a user gets | their size (MiB) | Netty / Jackson / Lettuce |\n"
              "|---|---:|---:|---:|---|\n" + "\n".join(rows) + "\n\nThe trees (runtime scope, as a user's project resolves them):\n\n"
              + "\n\n".join(trees) + "\n")
    print(report)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(report)
    if args.check and violations:
        sys.exit("footprint check failed: " + "; ".join(violations))


if __name__ == "__main__":
    main()
