#!/usr/bin/env python3
"""Checks a Maven Central bundle (central-bundle.zip) against Central's published requirements
(https://central.sonatype.org/publish/requirements/) before anything is uploaded:

- every component has its pom; a jar component also its jar, -sources.jar and -javadoc.jar;
- every file has a .asc signature that gpg verifies, and .md5 and .sha1 checksums that match;
- the coordinates are under the project's namespace, with the release version (no SNAPSHOT);
- each pom (with its parent, as Central reads it) has name, description, url, licenses,
  developers and scm; no dependency is a SNAPSHOT;
- the BOM manages exactly the bundle's jar components, at the release version;
- nothing that is not meant for users (examples, jmh) is in it.

Usage: check_bundle.py BUNDLE.zip VERSION   (exit 1 and one line per problem when it fails)
"""
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

NAMESPACE = "io.github.serverlesspatterns"
GROUP_PATH = NAMESPACE.replace(".", "/")
NOT_FOR_USERS = {"examples", "jmh"}
M = "{http://maven.apache.org/POM/4.0.0}"
REQUIRED = ["name", "description", "url", "licenses", "developers", "scm"]


def text(el, tag):
    found = el.find(M + tag)
    return None if found is None else (found.text or "").strip() or found


def main(bundle, version):
    problems = []
    z = zipfile.ZipFile(bundle)
    names = set(z.namelist())
    files = [n for n in names if not n.endswith("/")]
    components = {}
    for n in files:
        parts = n.split("/")
        if len(parts) < 3:
            problems.append(f"{n}: not in a groupId/artifactId/version folder")
            continue
        group = "/".join(parts[:-3])
        artifact, ver = parts[-3], parts[-2]
        if group != GROUP_PATH:
            problems.append(f"{n}: group {group.replace('/', '.')} is outside the namespace {NAMESPACE}")
        if ver != version or "SNAPSHOT" in ver:
            problems.append(f"{n}: version {ver}, expected the release {version}")
        components.setdefault(artifact, set()).add(parts[-1])

    for artifact in sorted(NOT_FOR_USERS & set(components)):
        problems.append(f"{artifact}: not meant for users, but in the bundle")

    with tempfile.TemporaryDirectory() as tmp:
        for artifact, entries in sorted(components.items()):
            base = f"{artifact}-{version}"
            pom_name = f"{GROUP_PATH}/{artifact}/{version}/{base}.pom"
            if f"{base}.pom" not in entries:
                problems.append(f"{artifact}: no pom")
                continue
            pom = ET.fromstring(z.read(pom_name))
            packaging = text(pom, "packaging") or "jar"
            needed = [f"{base}.pom"]
            if packaging == "jar":
                needed += [f"{base}.jar", f"{base}-sources.jar", f"{base}-javadoc.jar"]
            for need in needed:
                if need not in entries:
                    problems.append(f"{artifact}: {need} is missing")
            for entry in sorted(entries):
                if entry.endswith((".asc", ".md5", ".sha1", ".sha256", ".sha512")):
                    continue
                data = z.read(f"{GROUP_PATH}/{artifact}/{version}/{entry}")
                for ext, algo in ((".md5", "md5"), (".sha1", "sha1")):
                    if entry + ext not in entries:
                        problems.append(f"{artifact}: {entry}{ext} is missing")
                    else:
                        stated = z.read(f"{GROUP_PATH}/{artifact}/{version}/{entry}{ext}").decode().split()[0].strip()
                        if stated != hashlib.new(algo, data).hexdigest():
                            problems.append(f"{artifact}: {entry}{ext} does not match the file")
                if entry + ".asc" not in entries:
                    problems.append(f"{artifact}: {entry}.asc is missing")
                else:
                    f = os.path.join(tmp, entry)
                    with open(f, "wb") as out:
                        out.write(data)
                    with open(f + ".asc", "wb") as out:
                        out.write(z.read(f"{GROUP_PATH}/{artifact}/{version}/{entry}.asc"))
                    r = subprocess.run(["gpg", "--batch", "--verify", f + ".asc", f], capture_output=True)
                    if r.returncode != 0:
                        problems.append(f"{artifact}: {entry}.asc does not verify: {r.stderr.decode().strip()[-200:]}")
            # Central reads the pom with its parent
            effective = {tag: text(pom, tag) for tag in REQUIRED}
            parent = pom.find(M + "parent")
            if parent is not None:
                pa = text(parent, "artifactId")
                ppath = f"{GROUP_PATH}/{pa}/{version}/{pa}-{version}.pom"
                if ppath not in names:
                    problems.append(f"{artifact}: its parent {pa} is not in the bundle")
                else:
                    ppom = ET.fromstring(z.read(ppath))
                    for tag in REQUIRED:
                        if effective[tag] is None:
                            effective[tag] = text(ppom, tag)
            for tag in REQUIRED:
                if effective[tag] is None:
                    problems.append(f"{artifact}: the pom has no <{tag}>")
            for dep in pom.iter(M + "dependency"):
                v = text(dep, "version")
                if isinstance(v, str) and "SNAPSHOT" in v:
                    problems.append(f"{artifact}: depends on a SNAPSHOT: {text(dep, 'artifactId')} {v}")

    jars = {a for a, e in components.items() if f"{a}-{version}.jar" in e}
    bom_path = f"{GROUP_PATH}/patterns-bom/{version}/patterns-bom-{version}.pom"
    if bom_path not in names:
        problems.append("patterns-bom is not in the bundle")
    else:
        bom = ET.fromstring(z.read(bom_path))
        managed = {}
        for dep in bom.iter(M + "dependency"):
            managed[text(dep, "artifactId")] = text(dep, "version")
        if set(managed) != jars:
            problems.append(f"patterns-bom manages {sorted(managed)}, the bundle's jars are {sorted(jars)}")
        for a, v in managed.items():
            if v != version:
                problems.append(f"patterns-bom: {a} at {v}, expected {version}")

    if problems:
        print(f"{bundle}: {len(problems)} problem(s) Central would reject or users would meet:")
        for p in problems:
            print("  - " + p)
        return 1
    print(f"{bundle}: {len(components)} components ({len(jars)} jars, {len(files)} files) meet Central's requirements")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
