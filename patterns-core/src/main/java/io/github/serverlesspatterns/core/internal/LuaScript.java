package io.github.serverlesspatterns.core.internal;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * A Lua script the library runs on Redis in one round trip, always by {@code EVAL} with its text.
 *
 * <p>Not by {@code EVALSHA}: a server that lacks the script (restarted, failed over, a cluster node
 * that has not run it) answers {@code NOSCRIPT}, and when that answer comes after the client's
 * timeout the caller cannot tell "not run" from "run late". The idempotency store then released a
 * claim whose completion had never run, and a retry ran the handler again (seen on a Redis 7 server
 * frozen for 800 ms right after a restart). {@code EVAL} runs whenever it reaches the server; the
 * price is the script's few hundred bytes per call.
 *
 * <p>Every script of the library reads and writes one key, so it runs unchanged on a cluster,
 * where each call goes to its key's node. Thread-safe. Not API.
 */
public final class LuaScript {

    private final String text;
    private final ScriptOutputType type;

    /**
     * @param type  the reply's type
     * @param lines the script, one line each
     */
    public LuaScript(ScriptOutputType type, String... lines) {
        this.text = String.join("\n", lines);
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
        return commands.eval(text, type, keys, args);
    }
}
