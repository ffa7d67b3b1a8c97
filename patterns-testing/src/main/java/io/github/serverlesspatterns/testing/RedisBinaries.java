package io.github.serverlesspatterns.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the server binaries the kit runs: Debian's Redis 7 ({@code redis-server}, {@code redis-cli})
 * and Valkey 8 ({@code valkey-server}), on the PATH or where {@code .ci/install-servers} unpacks
 * Valkey ({@code ~/.cache/serverless-patterns/valkey}, or {@value #VALKEY_HOME_ENV}). A missing
 * binary fails with the command that installs it: tests never skip for want of a server.
 */
final class RedisBinaries {

    /** Environment variable naming a folder where Valkey's Debian packages were unpacked ({@code usr/bin/valkey-server} inside). */
    static final String VALKEY_HOME_ENV = "SERVERLESS_PATTERNS_VALKEY_HOME";

    private static final String INSTALL = "run `bash .ci/install-servers` from the project (it installs Debian's redis-server "
            + "and redis-tools with apt-get and unpacks Valkey 8 from bookworm-backports without installing it)";

    private RedisBinaries() {
    }

    static Path redisServer() {
        return onPath("redis-server").orElseThrow(() -> missing("redis-server (Redis 7)"));
    }

    static Path redisCli() {
        return onPath("redis-cli").orElseThrow(() -> missing("redis-cli (Debian's redis-tools)"));
    }

    static Path valkeyServer() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getenv(VALKEY_HOME_ENV);
        if (home != null) {
            candidates.add(Path.of(home, "usr", "bin", "valkey-server"));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".cache", "serverless-patterns", "valkey", "usr", "bin", "valkey-server"));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return onPath("valkey-server").orElseThrow(() -> missing("valkey-server (Valkey 8)"));
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static IllegalStateException missing(String what) {
        return new IllegalStateException(what + " is not on this machine: " + INSTALL);
    }
}
