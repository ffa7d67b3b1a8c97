package io.github.serverlesspatterns.testing;

import io.github.serverlesspatterns.testing.fixtures.CountingHandler;
import software.amazon.awssdk.core.SdkBytes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Measures what each way of running a function costs here (not a test; prints medians):
 * the start of a process-mode instance (child JVM, runtime client, init, first invocation) and
 * the round trip of a warm invocation through the Invoke API in both modes.
 * Run: {@code ./mvnw -B -q -pl patterns-testing test-compile exec:java -Dexec.mainClass=io.github.serverlesspatterns.testing.KitOverhead -Dexec.classpathScope=test}
 */
public final class KitOverhead {

    private KitOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int starts = 7;
        int calls = 300;
        String payload = "{\"name\":\"ann\"}";
        try (LambdaService lambda = LambdaService.start()) {
            Path root = Path.of(CountingHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            lambda.register("in-jvm", LocalFunction.of(new CountingHandler()));
            long[] start = new long[starts];
            for (int i = 0; i < starts; i++) {
                try (LambdaProcess fn = LambdaProcess.of("proc", CountingHandler.class.getName() + "::handleRequest", root, Map.of())) {
                    lambda.register(FunctionConfig.builder("proc", fn).timeout(Duration.ofSeconds(60)).build());
                    long t0 = System.nanoTime();
                    lambda.client().invoke(b -> b.functionName("proc").payload(SdkBytes.fromUtf8String(payload)));
                    start[i] = System.nanoTime() - t0;
                }
            }
            try (LambdaProcess fn = LambdaProcess.of("proc-warm", CountingHandler.class.getName() + "::handleRequest", root, Map.of())) {
                lambda.register(FunctionConfig.builder("proc-warm", fn).timeout(Duration.ofSeconds(60)).build());
                long[] inJvm = roundTrips(lambda, "in-jvm", payload, calls);
                long[] process = roundTrips(lambda, "proc-warm", payload, calls);
                System.out.printf("process mode, new instance to first answer: median %.0f ms (%d starts)%n", median(start) / 1e6, starts);
                System.out.printf("warm invocation round trip, in-JVM mode: median %.2f ms (%d calls after %d warm-up)%n",
                        median(inJvm) / 1e6, calls, calls);
                System.out.printf("warm invocation round trip, process mode: median %.2f ms (%d calls after %d warm-up)%n",
                        median(process) / 1e6, calls, calls);
            }
        }
    }

    private static long[] roundTrips(LambdaService lambda, String name, String payload, int calls) {
        long[] times = new long[calls];
        for (int round = 0; round < 2; round++) { // the first round warms up
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                lambda.client().invoke(b -> b.functionName(name).payload(SdkBytes.fromUtf8String(payload)));
                times[i] = System.nanoTime() - t0;
            }
        }
        return times;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

}
