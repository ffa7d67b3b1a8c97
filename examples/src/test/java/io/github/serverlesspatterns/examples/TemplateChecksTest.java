package io.github.serverlesspatterns.examples;

import io.github.serverlesspatterns.testing.sam.SamTemplate;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offline checks of every example's SAM template: it validates against the SAM JSON schema, each
 * function's {@code Handler} names a class that exists and implements {@code RequestHandler}, and
 * every environment variable the handler reads is set in the template. ({@code .ci/run} also
 * runs cfn-lint on every template.)
 */
class TemplateChecksTest {

    private static final Pattern HANDLER = Pattern.compile("Handler:\\s*([\\w.$]+)::handleRequest");
    private static final Pattern GETENV = Pattern.compile("System\\.getenv\\(\"([A-Z0-9_]+)\"\\)");
    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = TemplateChecksTest.class.getResourceAsStream("/schema/sam.schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                    .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
        }
    }

    static List<Path> templates() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("."))) {
            return dirs.filter(d -> d.getFileName().toString().matches("\\d\\d-.+")).map(d -> d.resolve("template.yaml"))
                    .sorted().toList();
        }
    }

    @Test
    void everyExampleFolder_hasATemplateAndAReadme() throws IOException {
        List<Path> templates = templates();
        assertFalse(templates.isEmpty());
        for (Path t : templates) {
            assertTrue(Files.exists(t), "missing " + t);
            assertTrue(Files.exists(t.resolveSibling("README.md")), "missing README beside " + t);
        }
    }

    @Test
    void everyTemplate_validatesAgainstTheSamSchema() throws IOException {
        for (Path t : templates()) {
            List<Error> errors = schema.validate(Files.readString(t), InputFormat.YAML);
            assertEquals(List.of(), errors.stream().map(Error::toString).toList(), t + " against the SAM schema");
        }
    }

    @Test
    void theSchemaCheck_catchesAMisspelledProperty() {
        String bad = "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
                + "    Properties:\n      Handler: a.B::handleRequest\n      Runtme: java21\n      CodeUri: .\n";
        assertFalse(schema.validate(bad, InputFormat.YAML).isEmpty(), "the check is able to fail");
    }

    @Test
    void everyHandler_existsAndImplementsRequestHandler_andItsEnvironmentIsSet() throws Exception {
        for (Path t : templates()) {
            String template = Files.readString(t);
            Matcher m = HANDLER.matcher(template);
            List<String> handlers = new ArrayList<>();
            while (m.find()) {
                handlers.add(m.group(1));
            }
            assertFalse(handlers.isEmpty(), t + " has no function handler");
            for (String handler : handlers) {
                Class<?> type = Class.forName(handler);
                assertTrue(RequestHandler.class.isAssignableFrom(type), handler + " implements RequestHandler");
                String outer = handler.contains("$") ? handler.substring(0, handler.indexOf('$')) : handler;
                Path source = Path.of("src/main/java", outer.replace('.', '/') + ".java");
                Matcher env = GETENV.matcher(Files.readString(source));
                while (env.find()) {
                    assertTrue(Pattern.compile("\\n\\s+" + env.group(1) + ":").matcher(template).find(),
                            handler + " reads " + env.group(1) + " but " + t + " does not set it");
                }
            }
        }
    }

    /**
     * A README's deploy steps work as written: no {@code sam build} (the CodeUri is the prebuilt zip), the
     * build command that makes the zip, every {@code aws lambda invoke --payload} with AWS CLI v2's
     * {@code --cli-binary-format raw-in-base64-out}, every {@code $(res X)} a resource of the template and
     * every {@code $(out X)} one of its outputs, a cost statement and a clean-up command.
     */
    @Test
    void everyReadme_deploysAsWritten_withResourcesAndOutputsTheTemplateHas() throws IOException {
        Pattern res = Pattern.compile("\\$\\(res (\\w+)\\)");
        Pattern out = Pattern.compile("\\$\\(out (\\w+)\\)");
        for (Path t : templates()) {
            String readme = Files.readString(t.resolveSibling("README.md"));
            SamTemplate template = SamTemplate.load(t);
            Map<?, ?> outputs = (Map<?, ?>) template.section("Outputs");
            Map<String, SamTemplate.Resource> resources = template.resources();
            assertFalse(Pattern.compile("(^\\s*|`|&&\\s*)sam build", Pattern.MULTILINE).matcher(readme.replace("no `sam build` step", "")).find(),
                    t + ": its README runs sam build, which would not use the prebuilt zip");
            assertTrue(readme.contains("./mvnw -B -q -pl examples -am package -DskipTests"), t + ": its README does not build the zip");
            assertTrue(readme.contains("sam deploy --guided"), t + ": no deploy command");
            assertTrue(readme.contains("What it costs"), t + ": no cost statement");
            assertTrue(readme.contains("Clean up: `") && readme.contains("sam delete"), t + ": no clean-up command");
            for (String line : readme.split("\n")) {
                if (line.contains("aws lambda invoke")) {
                    assertTrue(line.contains("--cli-binary-format raw-in-base64-out"), t + ": AWS CLI v2 needs --cli-binary-format for " + line);
                }
            }
            for (Matcher m = res.matcher(readme); m.find(); ) {
                assertTrue(resources.containsKey(m.group(1)), t + ": its README looks up resource " + m.group(1) + ", which it does not have");
            }
            for (Matcher m = out.matcher(readme); m.find(); ) {
                assertTrue(outputs.containsKey(m.group(1)), t + ": its README reads output " + m.group(1) + ", which it does not have");
            }
        }
    }

    /** A state machine's local definition file exists, is JSON, and every {@code ${Name}} in it has a substitution. */
    @Test
    @SuppressWarnings("unchecked")
    void everyStateMachineDefinition_existsAndHasASubstitutionForEachPlaceholder() throws IOException {
        int machines = 0;
        for (Path t : templates()) {
            for (SamTemplate.Resource resource : SamTemplate.resources(t).values()) {
                Map<String, Object> properties = resource.properties();
                if (!"AWS::Serverless::StateMachine".equals(resource.type()) || !(properties.get("DefinitionUri") instanceof String uri)) {
                    continue;
                }
                machines++;
                Path definition = t.resolveSibling(uri);
                assertTrue(Files.exists(definition), t + ": DefinitionUri " + uri + " does not exist");
                String text = Files.readString(definition);
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(text); // throws if it is not JSON
                Map<String, Object> substitutions = (Map<String, Object>) properties.getOrDefault("DefinitionSubstitutions", Map.of());
                Matcher placeholder = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(text);
                while (placeholder.find()) {
                    assertTrue(substitutions.containsKey(placeholder.group(1)), definition + " uses ${" + placeholder.group(1)
                            + "} but " + t + " does not substitute it");
                }
            }
        }
        assertTrue(machines > 0, "no state machine found: the check would pass vacuously");
    }
}
