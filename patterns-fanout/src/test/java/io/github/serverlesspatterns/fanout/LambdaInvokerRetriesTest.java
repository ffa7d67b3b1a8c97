package io.github.serverlesspatterns.fanout;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.AwsClients;
import io.github.serverlesspatterns.testing.FunctionConfig;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the SDK's retries do to synchronous calls, against the kit's Lambda endpoint with the real
 * LambdaClient. Found before: a call that outlived the client's read timeout was retried by the SDK
 * and ran the function again (4 runs for one call with a 400 ms read timeout); throttling reached
 * the caller as the SDK's raw TooManyRequestsException.
 */
@ExtendWith(LocalServicesExtension.class)
class LambdaInvokerRetriesTest {

    private final Invocation invocation = Invocation.builder().requestId("caller").timeout(Duration.ofSeconds(60)).build();

    private static LambdaClient clientWithReadTimeout(LambdaService lambda, Duration read) {
        return AwsClients.configure(LambdaClient.builder(), lambda.endpoint())
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(read)).build();
    }

    private static void awaitRuns(AtomicInteger finished, int atLeast) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (finished.get() < atLeast && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @Test
    void aCallThatOutlivesTheReadTimeout_runsTheFunctionOnce_andSaysItsOutcomeIsUnknown(LambdaService lambda) throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        lambda.register("slow-payment", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            runs.incrementAndGet();
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
            return "paid";
        }));
        try (LambdaClient client = clientWithReadTimeout(lambda, Duration.ofMillis(400))) {
            LambdaInvoker<String, String> invoker = LambdaInvoker.of(client, "slow-payment", Codecs.jsonString(), Codecs.jsonString());
            InvocationOutcomeUnknownException e = assertThrows(InvocationOutcomeUnknownException.class,
                    () -> invoker.call("order-1", invocation));
            assertTrue(e.getMessage().contains("may have run"), e.getMessage());
            awaitRuns(finished, 1);
            Thread.sleep(1_500); // a retry, had there been one, would have started by now
            assertEquals(1, runs.get(), "one call, one run");

            runs.set(0);
            finished.set(0);
            assertThrows(RuntimeException.class, () -> invoker.withSdkRetries().call("order-2", invocation));
            awaitRuns(finished, 2);
            assertTrue(runs.get() >= 2, "with the SDK's own retries the function runs again: " + runs.get()
                    + " runs (why withSdkRetries is only for idempotent callees)");
        }
    }

    @Test
    void throttling_isRetried_thenThrownAsFunctionThrottled_andTheFunctionNeverRan(LambdaService lambda) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        FunctionConfig config = FunctionConfig.builder("busy-partner", LocalFunction.of(String.class, String.class,
                (RequestHandler<String, String>) (in, ctx) -> {
                    runs.incrementAndGet();
                    if (in.equals("hold")) {
                        holding.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return "ok";
                })).reservedConcurrency(1).build();
        lambda.register(config);
        LambdaInvoker<String, String> invoker = LambdaInvoker.of(lambda.client(), "busy-partner", Codecs.jsonString(), Codecs.jsonString());
        Thread holder = new Thread(() -> invoker.call("hold", invocation));
        holder.start();
        try {
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            long throttlesBefore = lambda.stats("busy-partner").throttles();
            FunctionThrottledException e = assertThrows(FunctionThrottledException.class, () -> invoker.call("x", invocation));
            assertTrue(e.getMessage().contains("it did not run"), e.getMessage());
            assertEquals(LambdaInvoker.SYNC_ATTEMPTS, lambda.stats("busy-partner").throttles() - throttlesBefore,
                    "a 429 is retried: it did not run the function");
            assertEquals(1, runs.get(), "only the holding call ran");
        } finally {
            release.countDown();
            holder.join(10_000);
        }
    }
}
