package io.github.serverlesspatterns.examples;

import io.github.serverlesspatterns.testing.sam.SamTemplate;
import io.github.serverlesspatterns.testing.FunctionConfig;
import io.github.serverlesspatterns.testing.LambdaProcess;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code sam deploy} uploads for every example, checked as Lambda will use it. Every
 * template's {@code CodeUri} names the zip the examples build makes ({@code sam build} skips a
 * prebuilt zip and {@code sam deploy} uploads it as it is), so the zip is the whole deployment:
 * Lambda's Java layout, every handler a template names loadable from the zip alone in a fresh
 * class loader, nothing test-only inside, and a function from it run by the real runtime client
 * logs the library's warnings to stdout (CloudWatch Logs).
 */
@ExtendWith(LocalServicesExtension.class)
class DeploymentPackageTest {

    static final String ZIP_NAME = "serverless-patterns-examples-lambda.zip";
    private static final Pattern TEST_ONLY = Pattern.compile(
            "(junit|mockito|opentest4j|apiguardian|elasticmq|pekko|scala|embedded-|patterns-testing|json-schema-validator|"
                    + "jackson-dataformat-yaml|aws-lambda-java-runtime-interface-client|aws-lambda-java-serialization).*\\.jar");
    private static Path taskRoot;

    /** Unpacks the zip as Lambda does into its task root. */
    @BeforeAll
    static void unpack() throws IOException {
        Path zip = Path.of("target", ZIP_NAME);
        assertTrue(Files.isRegularFile(zip), zip.toAbsolutePath() + " is missing: the examples build makes it at process-classes");
        taskRoot = Files.createTempDirectory("task-root-");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = taskRoot.resolve(e.getName()).normalize();
                assertTrue(target.startsWith(taskRoot), "entry outside the task root: " + e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Every function's handler string, by template folder and logical id. */
    private static Map<String, String> handlers() throws IOException {
        Map<String, String> handlers = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(PatternScenarios.exampleDir("01-simple-web-service").toAbsolutePath().getParent())) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("template.yaml"))).toList()) {
                SamTemplate template = SamTemplate.load(dir.resolve("template.yaml"));
                template.resources().forEach((id, r) -> {
                    if ("AWS::Serverless::Function".equals(r.type())) {
                        Map<String, Object> fn = template.function(id); // its properties over the Globals
                        assertEquals("../target/" + ZIP_NAME, fn.get("CodeUri"), dir.getFileName() + "/" + id
                                + ": CodeUri must name the prebuilt zip (a folder makes sam build run Maven on a copy without the parent pom)");
                        handlers.put(dir.getFileName() + "/" + id, String.valueOf(fn.get("Handler")));
                    }
                });
            }
        }
        return handlers;
    }

    @Test
    void zip_hasLambdasJavaLayout_andNothingTestOnly() throws IOException {
        assertTrue(Files.isDirectory(taskRoot.resolve("lib")), "jars go under lib/");
        assertTrue(Files.isRegularFile(taskRoot.resolve("io/github/serverlesspatterns/examples/p06/ProfileFunction.class")),
                "classes at the root");
        assertTrue(Files.isRegularFile(taskRoot.resolve("simplelogger.properties")), "the logging configuration is packaged");
        List<String> jars;
        try (Stream<Path> lib = Files.list(taskRoot.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("slf4j-simple")), "a run-time SLF4J provider: " + jars);
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("patterns-core")), jars.toString());
        List<String> testOnly = jars.stream().filter(j -> TEST_ONLY.matcher(j).matches()).toList();
        assertEquals(List.of(), testOnly, "test-only jars in the deployment package");
        Path testClasses = Path.of("target", "test-classes");
        try (Stream<Path> walk = Files.walk(testClasses)) {
            List<String> leaked = walk.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> testClasses.relativize(p).toString())
                    .filter(p -> Files.exists(taskRoot.resolve(p))).toList();
            assertEquals(List.of(), leaked, "test classes in the deployment package");
        }
    }

    @Test
    void everyTemplatesHandler_loadsFromTheZipAlone_inAFreshClassLoader() throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(taskRoot.toUri().toURL());
        try (Stream<Path> lib = Files.list(taskRoot.resolve("lib"))) {
            for (Path jar : lib.toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        Map<String, String> handlers = handlers();
        assertTrue(handlers.size() >= 19, "handlers found: " + handlers);
        try (URLClassLoader zipOnly = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> requestHandler = Class.forName("com.amazonaws.services.lambda.runtime.RequestHandler", false, zipOnly);
            for (var e : handlers.entrySet()) {
                String[] parts = e.getValue().split("::");
                Class<?> type = Class.forName(parts[0], false, zipOnly);
                assertTrue(requestHandler.isAssignableFrom(type), e + " is no RequestHandler");
                long methods = 0;
                for (Method m : type.getMethods()) { // resolves every type in the signatures
                    methods += m.getName().equals(parts.length > 1 ? parts[1] : "handleRequest") ? 1 : 0;
                }
                assertTrue(methods > 0, e + " has no such method");
                assertEquals(zipOnly, type.getClassLoader(), e + " came from elsewhere than the zip");
            }
        }
    }

    @Test
    void aFunctionFromTheZip_runByTheRuntimeClient_logsTheLibrarysWarningsToStdout(LambdaService lambda) throws Exception {
        // example 19 with its DynamoDB and partner unreachable: the breaker's store warning must reach the logs
        try (LambdaProcess fn = LambdaProcess.of("PartnerQuoteFunction", "io.github.serverlesspatterns.examples.p19.PartnerQuoteFunction::handleRequest",
                taskRoot, Map.of("CIRCUIT_TABLE", "circuits", "PARTNER_URL", "http://127.0.0.1:9",
                        "AWS_ENDPOINT_URL", "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS", "1"))) {
            lambda.register(FunctionConfig.builder("zip-PartnerQuoteFunction", fn).timeout(Duration.ofSeconds(20)).build());
            lambda.client().invoke(b -> b.functionName("zip-PartnerQuoteFunction").payload(SdkBytes.fromUtf8String("{\"product\":\"p-1\"}")));
            String logs = fn.output();
            assertTrue(logs.contains("[WARN]") && logs.contains("partner-quotes"), "no library warning in the function's output:\n" + logs);
            assertFalse(logs.contains("NOP"), "SLF4J fell back to its no-op logger:\n" + logs);
        }
    }


    @Test
    void example01_fromItsZip_inTheRuntimeClient_withItsTemplatesEnvironment_servesItsApi(LambdaService lambda,
            io.github.serverlesspatterns.testing.MotoService moto) throws Exception {
        String table = "zip-p01-items-" + System.nanoTime();
        moto.dynamoDb().createTable(b -> b.tableName(table)
                .keySchema(software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder().attributeName("id")
                        .keyType(software.amazon.awssdk.services.dynamodb.model.KeyType.HASH).build())
                .attributeDefinitions(software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder().attributeName("id")
                        .attributeType(software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.S).build())
                .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST));
        Path template = PatternScenarios.exampleDir("01-simple-web-service").resolve("template.yaml");
        Map<String, String> environment = new java.util.HashMap<>(io.github.serverlesspatterns.testing.sam.SamFunctions.environment(template,
                "ItemsFunction", Map.of("ItemsTable", table)));
        environment.put("AWS_ENDPOINT_URL", moto.endpoint().toString()); // the SDK's own setting: every client to moto
        Map<String, Object> items = io.github.serverlesspatterns.testing.sam.SamTemplate.load(template).function("ItemsFunction");
        String handler = String.valueOf(items.get("Handler"));
        int memory = ((Number) items.getOrDefault("MemorySize", 128)).intValue(); // the template's, Lambda's default 128
        try (LambdaProcess fn = LambdaProcess.of("ItemsFunction", handler, taskRoot, environment, memory);
             var api = new io.github.serverlesspatterns.testing.sam.ApiGateway(template, Map.of(), lambda, "zip01-")) {
            lambda.register(io.github.serverlesspatterns.testing.sam.SamFunctions.config(template, "ItemsFunction", "zip01-ItemsFunction", fn).build());
            var http = java.net.http.HttpClient.newHttpClient();
            var put = http.send(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/items/7"))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"from the zip\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            var get = http.send(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/items/7")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body() + "\n" + fn.output());
            assertEquals("{\"name\":\"from the zip\"}", get.body(), fn.output());
            assertEquals(1, fn.instancesStarted(), "one instance served both calls");
        }
    }
}
