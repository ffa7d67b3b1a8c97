package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job larger than one item and one query page: 10,000 tasks with 200-byte results (about 2 MB of results). */
@ExtendWith(LocalServicesExtension.class)
class LargeJobTest {

    @Test
    void tenThousandTasks_completeOnce_andReadBackAcrossPages(MotoService moto) throws Exception {
        DynamoDbJobStore store = DynamoDbJobStore.create(moto.dynamoDb(), "fan-large-jobs", Duration.ofDays(1), Clock.systemUTC());
        store.createTableIfMissing();
        int tasks = 10_000;
        store.createJob("big-job", tasks, Instant.now().plusSeconds(600));
        List<String> completions = new CopyOnWriteArrayList<>();
        String padding = "x".repeat(190);
        Handler<Task<Integer>, String> worker = Decorators.decorate((task, inv) -> String.format("%08d", task.payload()) + padding,
                FanIn.of(store, Codecs.utf8(), completions::add));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int slice = t;
                futures.add(pool.submit(() -> {
                    for (int i = slice; i < tasks; i += 8) {
                        worker.handle(new Task<>("big-job", i, i), Invocation.builder().build());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        AtomicInteger read = new AtomicInteger();
        AtomicInteger last = new AtomicInteger(-1);
        store.results("big-job", (taskId, result) -> {
            assertEquals(last.get() + 1, taskId, "results come back in task order, page after page");
            last.set(taskId);
            read.incrementAndGet();
        });
        JobStatus status = store.status("big-job");
        assertEquals(List.of("big-job"), completions, "exactly one completion");
        assertEquals(tasks, read.get());
        assertEquals(tasks, status.completed());
        assertTrue(status.missingTasks().isEmpty() && status.callbackFired());
    }
}
