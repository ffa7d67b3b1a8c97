package io.github.serverlesspatterns.core.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script the library runs on Redis in one round trip: by {@code EVALSHA} once a server has
 * run it, by {@code EVAL} (which also caches it on that server) the first time and after a
 * {@code NOSCRIPT} reply (a restarted or failed-over server, or a cluster node that has not run it
 * yet). Every script of the library reads and writes one key, so it runs unchanged on a cluster,
 * where each call goes to its key's node. Thread-safe. Not API.
 */
public final class LuaScript {

    private final String text;
    private final String sha;
    private final ScriptOutputType type;
    /** Some server has run it: try EVALSHA first (a server that has not answers NOSCRIPT, then EVAL). */
    private volatile boolean seen;

    /**
     * @param type  the reply's type
     * @param lines the script, one line each
     */
    public LuaScript(ScriptOutputType type, String... lines) {
        this.text = String.join("\n", lines);
        this.sha = sha1(text);
        this.type = type;
    }

    /**
     * Runs the script on the one key it touches.
     *
     * @param commands the connection's commands
     * @param keys     the one key it touches, as KEYS (on a cluster, the script runs on its node)
     * @param args     the script's ARGV
     * @param <K>      key type
     * @param <V>      value type
     * @param <T>      reply type
     * @return the reply
     * @throws IllegalArgumentException unless {@code keys} holds exactly one key
     */
    public <K, V, T> T run(RedisClusterCommands<K, V> commands, K[] keys, V[] args) {
        if (keys.length != 1) {
            throw new IllegalArgumentException("a library script touches exactly one key (cluster mode), not " + keys.length);
        }
        if (seen) {
            try {
                return commands.evalsha(sha, type, keys, args);
            } catch (RedisNoScriptException e) {
                // this server has not run it (restart, failover, another node): EVAL below caches it there
            }
        }
        T reply = commands.eval(text, type, keys, args);
        seen = true;
        return reply;
    }

    /** @return the script's SHA-1, as {@code EVALSHA} names it */
    public String sha() {
        return sha;
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
