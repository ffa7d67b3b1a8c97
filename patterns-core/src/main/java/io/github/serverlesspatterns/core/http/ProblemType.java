package io.github.serverlesspatterns.core.http;

import java.util.Objects;

/**
 * One kind of HTTP problem: its status, its short name (the last part of its type URI,
 * {@code urn:serverless-patterns:problem:<name>}) and a fixed title for a public caller.
 *
 * @param status the HTTP status, 400 to 599
 * @param name   lower-case words joined by {@code -}
 * @param title  a short, fixed, human-readable summary (never data of a request)
 */
public record ProblemType(int status, String name, String title) {

    /**
     * @param status the HTTP status, 400 to 599
     * @param name   lower-case words joined by {@code -}
     * @param title  a short, fixed summary
     */
    public ProblemType {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem's status is 4xx or 5xx, not " + status);
        }
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("a problem's name is lower-case words joined by '-', not '" + name + "'");
        }
        Objects.requireNonNull(title, "title");
    }

    /** @return the type URI: {@code urn:serverless-patterns:problem:<name>} */
    public String uri() {
        return Problems.TYPE_PREFIX + name;
    }
}
