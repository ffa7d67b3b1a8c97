package io.github.serverlesspatterns.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/** The Invoke API's check of a request payload: one JSON value and nothing after it, as Lambda demands. */
final class InvokePayloads {

    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private InvokePayloads() {
    }

    /**
     * @param payload the request payload
     * @return {@code null} if it is one JSON value, else what is wrong with it
     */
    static String jsonProblem(byte[] payload) {
        try (JsonParser parser = STRICT.createParser(payload)) {
            if (parser.nextToken() == null) {
                return "the payload is empty";
            }
            parser.skipChildren();
            JsonToken after = parser.nextToken();
            return after == null ? null : "Could not parse payload into json: trailing content after the first JSON value";
        } catch (IOException e) {
            String message = e.getMessage();
            int newline = message == null ? -1 : message.indexOf('\n');
            return "Could not parse payload into json: " + (newline < 0 ? message : message.substring(0, newline));
        }
    }
}
