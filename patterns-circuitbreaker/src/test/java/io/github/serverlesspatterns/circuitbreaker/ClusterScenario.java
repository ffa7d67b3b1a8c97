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

    private record Hit(long at, boolean failing, CircuitState.State stateAtArrival, int openCount) {
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
            long endAt = startAt + 16_000;
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            List<Process> workers = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                workers.add(new ProcessBuilder(java, "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                        "-cp", System.getProperty("java.class.path"), ClusterWorkerMain.class.getName(),
                        kind, endpoint, table, circuit, url, Integer.toString(threads), Long.toString(startAt),
                        Long.toString(endAt), "w" + i).redirectErrorStream(true).start());
            }
            long openedAt = 0;
            while (openedAt == 0 && System.currentTimeMillis() < endAt) {
                if (observer.load(circuit).map(s -> s.state() == CircuitState.State.OPEN).orElse(false)) {
                    openedAt = System.currentTimeMillis();
                } else {
                    Thread.sleep(10);
                }
            }
            assertTrue(openedAt > 0, "the circuit never opened");
            // let three probe rounds fail (after waits of 0.4, 0.8 and 1.6 s), then the partner recovers
            long giveUpAt = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < giveUpAt) {
                List<Hit> probes = hits.stream().filter(h -> h.failing() && h.stateAtArrival() == CircuitState.State.HALF_OPEN).toList();
                long rounds = probes.stream().mapToInt(Hit::openCount).distinct().count();
                long lastProbe = probes.stream().mapToLong(Hit::at).max().orElse(Long.MAX_VALUE);
                if (rounds >= 3 && System.currentTimeMillis() - lastProbe > 200) {
                    break;
                }
                Thread.sleep(10);
            }
            failing.set(false);
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
            long leaked = failingHits.stream().filter(h -> h.stateAtArrival() == CircuitState.State.OPEN).count();
            // probe rounds: requests that arrived while HALF_OPEN, grouped by the open count of that period
            java.util.TreeMap<Integer, List<Hit>> rounds = new java.util.TreeMap<>();
            for (Hit h : failingHits) {
                if (h.stateAtArrival() == CircuitState.State.HALF_OPEN) {
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
            CircuitState.State finalState = observer.load(circuit).orElseThrow().state();
            System.out.printf("%s cluster: %d calls failed before the opening, %d reached the partner while OPEN, "
                            + "probe rounds %s, waits before each round %s ms, %d rejected calls, %d calls after recovery, "
                            + "final state %s%n", kind, failingHits.stream().filter(h -> h.stateAtArrival() == CircuitState.State.CLOSED).count(),
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
            // between two probe rounds: the failing probe (600 ms), the open wait (400, 800, 1600 ms: it doubles),
            // and store latency; each round must come at least 400 ms later than the growth alone would allow
            for (int i = 2; i < gaps.size(); i++) {
                assertTrue(gaps.get(i) > gaps.get(i - 1) + 400, "the open wait grows on repeated failure: " + gaps);
            }
            assertEquals(CircuitState.State.CLOSED, finalState, "closed after recovery");
            assertTrue(recoveredCalls > 100, "calls flow again after recovery: " + recoveredCalls);
        } finally {
            server.stop(0);
        }
    }

}
