package io.github.serverlesspatterns.examples.readme;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adoption, counted: the README's three walkthroughs (an API Gateway payment API, an SQS FIFO
 * consumer, a partner call behind a breaker) wire the library into an existing function in at
 * most 20 lines of code each (the member's body, blank and comment-only lines aside; the user's
 * own handler logic in the SQS example included).
 */
class AdoptionLinesTest {

    private static final Path README_SOURCES = Path.of("src/main/java/io/github/serverlesspatterns/examples/readme");
    private static final int MAX_LINES = 20;

    @Test
    void eachWalkthrough_adoptsTheLibraryInAtMost20Lines() throws IOException {
        StringBuilder counts = new StringBuilder();
        for (List<String> member : List.of(List.of("PaymentsApi.java", "public PaymentsApi("),
                List.of("OrderQueueFunction.java", "public OrderQueueFunction("),
                List.of("PartnerBreaker.java", "public static Handler<Quote, Price> guard("))) {
            int lines = bodyLines(README_SOURCES.resolve(member.get(0)), member.get(1));
            counts.append(member.get(0)).append(": ").append(lines).append(" lines; ");
            assertTrue(lines > 0 && lines <= MAX_LINES, member + " takes " + lines + " lines");
        }
        System.out.println("adoption: " + counts);
    }

    /** Code lines of the body of the member whose declaration starts with {@code signature}. */
    private static int bodyLines(Path source, String signature) throws IOException {
        List<String> lines = Files.readAllLines(source);
        int at = 0;
        while (at < lines.size() && !lines.get(at).strip().startsWith(signature)) {
            at++;
        }
        if (at == lines.size()) {
            throw new AssertionError(source + " has no " + signature);
        }
        int depth = 0;
        int code = 0;
        boolean opened = false;
        for (int i = at; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (opened && !line.isEmpty() && !line.startsWith("//") && !(depth == 1 && line.equals("}"))) {
                code++;
            }
            for (char c : line.toCharArray()) {
                if (c == '{') {
                    depth++;
                    opened = true;
                } else if (c == '}') {
                    depth--;
                }
            }
            if (opened && depth == 0) {
                return code;
            }
        }
        throw new AssertionError(source + ": the body of " + signature + " never closes");
    }
}
