package io.github.serverlesspatterns.circuitbreaker;

import com.sun.net.httpserver.HttpServer;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster scenario shared by the Redis and DynamoDB tests: 4 worker JVMs x 8 threads call a
 * local HTTP service through one shared circuit. The service fails (slowly: 600 ms, then 503)
 * until three probe rounds have failed, then recovers.
 */
public final class ClusterScenario {

    private static final Pattern RESULT = Pattern.compile("RESULT ok=(\\d+) failed=(\\d+) rejected=(\\d+) roundTrips=(\\d+) storeErrors=(\\d+)");

    private record Hit(long at, boolean failing, CircuitBreaker.State stateAtArrival, int openCount) {
    }

    private ClusterScenario() {
    }

    /**
     * @param kind     redis or dynamodb
     * @param endpoint the store endpoint the workers use
     * @param table    the DynamoDB table (ignored for Redis)
     * @param observer a store of the test JVM, to read the shared state as requests arrive
     */
    public static void run(String kind, String endpoint, String table, CircuitStateStore observer) throws Exception {
        int processes = 4;
        int threads = 8;
        String circuit = "partner-" + kind + "-" + System.nanoTime();
        AtomicBoolean failing = new AtomicBoolean(true);
        List<Hit> hits = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(64)); // more than the 32 callers: a request is handled as it arrives
        server.createContext("/partner", exchange -> {
            boolean fail = failing.get();
            long at = System.currentTimeMillis();
            CircuitState seen = observer.load(circuit).orElse(CircuitState.initial());
            hits.add(new Hit(at, fail, seen.state(), seen.openCount()));
            if (fail) {
                try {
                    Thread.sleep(600); // a failing partner is slow too: probes overlap, so the slot limit shows
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            byte[] body = (fail ? "unavailable" : "ok").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/partner";
            long startAt = System.currentTimeMillis() + 6000;
            // the workers stop when the test has seen enough after recovery (the stop file), at the latest at endAt:
            // a slow store (moto under 32 callers) stretches the probe rounds, so no fixed window fits every machine
            long endAt = startAt + 60_000;
            Path stop = Files.createTempFile("cluster-stop-", ".flag");
            Files.delete(stop);
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            List<Process> workers = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                workers.add(new ProcessBuilder(java, "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                        "-cp", System.getProperty("java.class.path"), ClusterWorkerMain.class.getName(),
                        kind, endpoint, table, circuit, url, Integer.toString(threads), Long.toString(startAt),
                        Long.toString(endAt), "w" + i, stop.toString()).redirectErrorStream(true).start());
            }
            long openedAt = 0;
            while (openedAt == 0 && System.currentTimeMillis() < endAt) {
                if (observer.load(circuit).map(s -> s.state() == CircuitBreaker.State.OPEN).orElse(false)) {
                    openedAt = System.currentTimeMillis();
                } else {
                    Thread.sleep(10);
                }
            }
            assertTrue(openedAt > 0, "the circuit never opened");
            // let three probe rounds fail (after waits of 0.4, 0.8 and 1.6 s), then the partner recovers
            long giveUpAt = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < giveUpAt) {
                List<Hit> probes = hits.stream().filter(h -> h.failing() && h.stateAtArrival() == CircuitBreaker.State.HALF_OPEN).toList();
                long rounds = probes.stream().mapToInt(Hit::openCount).distinct().count();
                long lastProbe = probes.stream().mapToLong(Hit::at).max().orElse(Long.MAX_VALUE);
                if (rounds >= 3 && System.currentTimeMillis() - lastProbe > 200) {
                    break;
                }
                Thread.sleep(10);
            }
            failing.set(false);
            long recoveredBy = System.currentTimeMillis() + 20_000;
            while (hits.stream().filter(h -> !h.failing()).count() <= 100 && System.currentTimeMillis() < recoveredBy) {
                Thread.sleep(50);
            }
            Files.createFile(stop);
            long totalRejected = 0;
            for (Process p : workers) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), out);
                Matcher m = RESULT.matcher(out);
                assertTrue(m.find(), "no RESULT from worker:\n" + out);
                assertEquals("0", m.group(5), "store errors in worker:\n" + out);
                totalRejected += Long.parseLong(m.group(3));
                System.out.println(kind + " worker: " + m.group());
                Files.writeString(Path.of("target", "cluster-" + kind + "-" + workers.indexOf(p) + ".log"), out);
            }

            List<Hit> failingHits = hits.stream().filter(Hit::failing).toList();
            long leaked = failingHits.stream().filter(h -> h.stateAtArrival() == CircuitBreaker.State.OPEN).count();
            // probe rounds: requests that arrived while HALF_OPEN, grouped by the open count of that period
            java.util.TreeMap<Integer, List<Hit>> rounds = new java.util.TreeMap<>();
            for (Hit h : failingHits) {
                if (h.stateAtArrival() == CircuitBreaker.State.HALF_OPEN) {
                    rounds.computeIfAbsent(h.openCount(), k -> new ArrayList<>()).add(h);
                }
            }
            List<Integer> probeRoundSizes = rounds.values().stream().map(List::size).toList();
            List<Long> gaps = new ArrayList<>();
            long previous = openedAt;
            for (List<Hit> round : rounds.values()) {
                long first = round.stream().mapToLong(Hit::at).min().orElseThrow();
                gaps.add(first - previous);
                previous = first;
            }
            long recoveredCalls = hits.stream().filter(h -> !h.failing()).count();
            CircuitBreaker.State finalState = observer.load(circuit).orElseThrow().state();
            System.out.printf("%s cluster: %d calls failed before the opening, %d reached the partner while OPEN, "
                            + "probe rounds %s, waits before each round %s ms, %d rejected calls, %d calls after recovery, "
                            + "final state %s%n", kind, failingHits.stream().filter(h -> h.stateAtArrival() == CircuitBreaker.State.CLOSED).count(),
                    leaked, probeRoundSizes, gaps, totalRejected, recoveredCalls, finalState);

            assertTrue(leaked <= processes * threads,
                    "every instance is rejected within one call of the opening: at most one stale call per thread, saw " + leaked);
            assertTrue(probeRoundSizes.size() >= 3, "at least three failed probe rounds while failing: " + probeRoundSizes);
            // at most 2 probes at a time cluster-wide, and the limit is reached: a probe slot can only stay unused
            // when the first probe fails before a second instance asks (the store answering slowly under load)
            for (int size : probeRoundSizes) {
                assertTrue(size >= 1 && size <= 2, "HALF_OPEN lets at most 2 probes through cluster-wide: " + probeRoundSizes);
            }
            assertTrue(probeRoundSizes.stream().filter(s -> s == 2).count() >= 2,
                    "both probe slots were used cluster-wide in most rounds: " + probeRoundSizes);
            // the open wait doubles with each opening (400, 800, 1600, then 3200 ms at most): a round of open count n
            // comes no sooner than the failing probe's 600 ms plus that wait after the first probe of the round before.
            // Lower bounds only: a loaded machine makes every gap longer, never shorter (upper bounds would be flaky).
            // The first gap is left out: the opening itself is seen by polling, late by a store read under load
            List<Integer> openCounts = new ArrayList<>(rounds.keySet());
            for (int i = 1; i < gaps.size(); i++) {
                long wait = Math.min(3200, 400L << Math.max(0, openCounts.get(i) - 1));
                long least = 600 + wait - 20; // 20 ms: currentTimeMillis granularity
                assertTrue(gaps.get(i) >= least, "round " + i + " (open count " + openCounts.get(i) + ") came " + gaps.get(i)
                        + " ms after the one before, under the " + least + " ms the doubling open wait demands: " + gaps);
            }
            assertTrue(openCounts.get(openCounts.size() - 1) >= 3, "the circuit opened again after failed probes: " + openCounts);
            assertEquals(CircuitBreaker.State.CLOSED, finalState, "closed after recovery");
            assertTrue(recoveredCalls > 100, "calls flow again after recovery: " + recoveredCalls);
        } finally {
            server.stop(0);
        }
    }

}
