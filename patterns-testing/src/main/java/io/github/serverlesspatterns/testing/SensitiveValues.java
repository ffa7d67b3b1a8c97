package io.github.serverlesspatterns.testing;

import java.util.List;

/**
 * Canary values for message bodies: an e-mail address, a card number and an IBAN that tests put
 * into the bodies they send down failure paths. None of them may appear in a log line, an
 * exception message a caller sees, or a dead-letter queue's attributes: the library names ids,
 * fields and types, never values. {@code .ci/check_no_body_values.py} scans every test's output
 * (surefire's {@code *-output.txt}) for them after the build, so a leak anywhere in the suite fails CI.
 */
public final class SensitiveValues {

    /** An e-mail address: {@value}. */
    public static final String EMAIL = "canary.ann@example.com";
    /** A card number (a test number of the card schemes): {@value}. */
    public static final String CARD = "4111111111111111";
    /** An IBAN (the standard's example): {@value}. */
    public static final String IBAN = "DE89370400440532013000";

    private SensitiveValues() {
    }

    /** @return every canary */
    public static List<String> all() {
        return List.of(EMAIL, CARD, IBAN);
    }

    /**
     * A JSON body carrying every canary, in a shape a handler of a numeric {@code amount} refuses:
     * {@code amount} is an object holding the card number again.
     *
     * @return the body
     */
    public static String body() {
        return "{\"email\":\"" + EMAIL + "\",\"card\":\"" + CARD + "\",\"iban\":\"" + IBAN + "\",\"amount\":{\"card\":\"" + CARD + "\"}}";
    }

    /**
     * @param text  what was logged, thrown or stored
     * @param where what it is, for the failure message
     * @throws AssertionError naming the canary found (not the text around it)
     */
    public static void assertAbsent(String text, String where) {
        for (String canary : all()) {
            if (text != null && text.contains(canary)) {
                throw new AssertionError(where + " contains a message body's value (the canary " + canary.substring(0, 4) + "...)");
            }
        }
    }
}
