package io.github.serverlesspatterns.testing;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Counts the commands a Lettuce client really sends, for count-based tests of store calls. The
 * stores' eviction-policy check ({@code INFO}, sent in the background after each connect) is not a
 * call's cost: it is left out of the count, and {@link #awaitSettingsChecked} waits for it so that
 * a test can reset the count after it. Thread-safe.
 *
 * <pre>{@code
 * RedisCommandCounter counter = RedisCommandCounter.attach(client);
 * ... warm up ...; counter.awaitSettingsChecked(); counter.reset();
 * }</pre>
 */
public final class RedisCommandCounter {

    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final CountDownLatch settingsChecked = new CountDownLatch(1);

    private RedisCommandCounter() {
    }

    /**
     * @param client the client whose commands to count (add it before the client connects)
     * @return the counter
     */
    public static RedisCommandCounter attach(AbstractRedisClient client) {
        RedisCommandCounter counter = new RedisCommandCounter();
        client.addListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                String type = event.getCommand().getType().toString();
                if ("INFO".equals(type)) {
                    counter.settingsChecked.countDown();
                } else {
                    counter.commands.add(type);
                }
            }
        });
        return counter;
    }

    /**
     * Waits for the store's eviction-policy check after its connect.
     *
     * @param max how long at most
     * @throws AssertionError if it never came
     */
    public void awaitSettingsChecked(Duration max) {
        try {
            if (!settingsChecked.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the store never read the server's settings (INFO) within " + max);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** @return the commands counted since the last reset */
    public int count() {
        return commands.size();
    }

    /** @return their types, in order */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Starts counting again from zero. */
    public void reset() {
        commands.clear();
    }
}
