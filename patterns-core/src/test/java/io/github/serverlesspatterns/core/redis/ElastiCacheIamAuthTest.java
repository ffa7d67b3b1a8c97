package io.github.serverlesspatterns.core.redis;

import io.lettuce.core.RedisCredentials;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IAM token is checked against a SigV4 query-string signature computed here from AWS's
 * published algorithm and ElastiCache's documented token request ({@code GET http://<cache>/?Action=connect&User=<user>},
 * service {@code elasticache}, 900 s), independently of the SDK signer the class uses.
 */
class ElastiCacheIamAuthTest {

    private static final String ACCESS_KEY = "AKIDEXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    private static ElastiCacheIamAuth.Builder builder(Clock clock) {
        return ElastiCacheIamAuth.builder("app-user", "orders-cache").region("eu-west-1").clock(clock)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    }

    @Test
    void theToken_isThePresignedConnectRequest_signedAsSigV4Specifies() throws Exception {
        String token = builder(Clock.fixed(NOW, ZoneOffset.UTC)).build().token();
        assertTrue(token.startsWith("orders-cache/?"), token);
        assertEquals(expectedToken(false), parameters(token));
    }

    @Test
    void aServerlessToken_namesTheResourceType() throws Exception {
        String token = builder(Clock.fixed(NOW, ZoneOffset.UTC)).serverless(true).build().token();
        assertTrue(token.contains("ResourceType=ServerlessCache"), token);
        assertEquals(expectedToken(true), parameters(token));
    }

    @Test
    void credentials_areTheUserAndAToken_reusedForTenMinutes_thenSignedAgain() {
        MutableClock clock = new MutableClock(NOW);
        ElastiCacheIamAuth auth = builder(clock).build();
        RedisCredentials first = auth.get();
        assertEquals("app-user", first.getUsername());
        clock.now = NOW.plusSeconds(599);
        assertSame(first, auth.get(), "reused within 10 minutes");
        clock.now = NOW.plusSeconds(600);
        RedisCredentials second = auth.get();
        assertNotEquals(new String(first.getPassword()), new String(second.getPassword()), "signed again after 10 minutes");
    }

    @Test
    void badArguments_areNamed() {
        IllegalArgumentException user = assertThrows(IllegalArgumentException.class,
                () -> ElastiCacheIamAuth.builder("app user", "c"));
        assertTrue(user.getMessage().startsWith("userId must be"), user.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ElastiCacheIamAuth.builder("u", "").region("eu-west-1"));
        assertThrows(IllegalArgumentException.class, () -> ElastiCacheIamAuth.builder("u", "c").region("Ireland"));
        IllegalStateException noRegion = assertThrows(IllegalStateException.class, () -> ElastiCacheIamAuth.builder("u", "c").build());
        assertTrue(noRegion.getMessage().contains("region"), noRegion.getMessage());
    }

    /** The token's query parameters, decoded, by name (their order in the token is the signer's). */
    private static Map<String, String> parameters(String token) {
        Map<String, String> params = new TreeMap<>();
        for (String pair : token.substring(token.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            params.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** SigV4, query-string authentication, written from the specification: the parameters the token must carry. */
    private static Map<String, String> expectedToken(boolean serverless) throws Exception {
        String date = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(NOW);
        String day = date.substring(0, 8);
        String scope = day + "/eu-west-1/elasticache/aws4_request";
        Map<String, String> query = new TreeMap<>();
        query.put("Action", "connect");
        query.put("User", "app-user");
        if (serverless) {
            query.put("ResourceType", "ServerlessCache");
        }
        query.put("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
        query.put("X-Amz-Credential", ACCESS_KEY + "/" + scope);
        query.put("X-Amz-Date", date);
        query.put("X-Amz-Expires", "900");
        query.put("X-Amz-SignedHeaders", "host");
        StringBuilder canonicalQuery = new StringBuilder();
        for (Map.Entry<String, String> e : query.entrySet()) {
            if (canonicalQuery.length() > 0) {
                canonicalQuery.append('&');
            }
            canonicalQuery.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
        }
        String canonicalRequest = String.join("\n", "GET", "/", canonicalQuery, "host:orders-cache", "", "host",
                hex(MessageDigest.getInstance("SHA-256").digest(new byte[0])));
        String toSign = String.join("\n", "AWS4-HMAC-SHA256", date, scope,
                hex(MessageDigest.getInstance("SHA-256").digest(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        byte[] key = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, "eu-west-1");
        key = hmac(key, "elasticache");
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, toSign));
        query.put("X-Amz-Signature", signature);
        return query;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
