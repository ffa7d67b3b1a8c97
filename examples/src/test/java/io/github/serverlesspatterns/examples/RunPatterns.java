package io.github.serverlesspatterns.examples;

import io.github.serverlesspatterns.testing.LocalServices;

/**
 * The main job: runs every example pattern end to end on local services it starts itself,
 * printing one line per pattern (what ran, the result, how long it took), under it the key figures
 * its functions emitted as metrics (the same EMF documents CloudWatch would read), and a summary. Exits 1
 * if a pattern failed, 2 if none failed but some patterns have no example yet.
 */
public final class RunPatterns {

    private RunPatterns() {
    }

    public static void main(String[] args) {
        int passed = 0;
        int failed = 0;
        long start = System.nanoTime();
        try (LocalServices services = LocalServices.fromEnvironment(System.getenv())) {
            for (PatternScenarios.Scenario s : PatternScenarios.all()) {
                long t0 = System.nanoTime();
                String verdict;
                try {
                    verdict = "PASS  " + s.run().apply(services);
                    passed++;
                } catch (RuntimeException | AssertionError e) {
                    verdict = "FAIL  " + e;
                    failed++;
                }
                String[] lines = verdict.split("\n");
                System.out.printf("%s %-28s %6d ms  %s%n", s.number(), s.name(), (System.nanoTime() - t0) / 1_000_000, lines[0]);
                for (int i = 1; i < lines.length; i++) { // the key figures the pattern's functions emitted as metrics
                    System.out.printf("%43s metrics: %s%n", "", lines[i]);
                }
            }
            for (String pending : PatternScenarios.PENDING) {
                System.out.printf("%-31s %9s  PENDING  no example yet%n", pending, "-");
            }
        }
        System.out.printf("%d passed, %d failed, %d pending of 19 patterns in %d s%n", passed, failed, PatternScenarios.PENDING.size(),
                (System.nanoTime() - start) / 1_000_000_000);
        System.exit(failed > 0 ? 1 : PatternScenarios.PENDING.isEmpty() ? 0 : 2);
    }
}
