package io.github.serverlesspatterns.testing.sam;

import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A SAM template as the local runtime reads it: resources by logical id, the {@code Globals} of
 * functions, parameters and outputs. CloudFormation's short-form intrinsics ({@code !Ref X},
 * {@code !GetAtt A.B}, {@code !Sub ...}, {@code !If}, ...) read as their long forms
 * ({@code {Ref: X}}, {@code {Fn::GetAtt: [A, B]}}, {@code {Fn::Sub: ...}}), so code that follows the
 * template sees one shape. Immutable after loading; thread-safe.
 */
public final class SamTemplate {

    /**
     * One resource.
     *
     * @param type       its {@code Type}
     * @param properties its {@code Properties} (empty when it has none)
     */
    public record Resource(String type, Map<String, Object> properties) {
    }

    private static final List<String> FUNCTIONS = List.of("Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join",
            "Select", "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "ToJsonString", "Length");

    private final Path path;
    private final Map<String, Object> root;
    private final Map<String, Resource> resources;

    private SamTemplate(Path path, Map<String, Object> root) {
        this.path = path;
        this.root = root;
        Map<String, Resource> byId = new LinkedHashMap<>();
        if (!(root.get("Resources") instanceof Map<?, ?> all)) {
            throw new IllegalArgumentException(path + " has no Resources section");
        }
        all.forEach((id, r) -> {
            if (!(r instanceof Map<?, ?> resource) || !(resource.get("Type") instanceof String type)) {
                throw new IllegalArgumentException(path + ": resource " + id + " has no Type");
            }
            byId.put(String.valueOf(id), new Resource(type, properties(resource.get("Properties"))));
        });
        this.resources = Collections.unmodifiableMap(byId);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /**
     * Reads a template.
     *
     * @param path the template file (YAML or JSON)
     * @return the template
     * @throws UncheckedIOException     if it cannot be read
     * @throws IllegalArgumentException if it is not a template (no mapping at the top, no Resources)
     */
    @SuppressWarnings("unchecked")
    public static SamTemplate load(Path path) {
        Objects.requireNonNull(path, "path");
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the template " + path, e);
        }
        LoadSettings settings = LoadSettings.builder().setLabel(path.toString()).build();
        Object document = new Load(settings, new IntrinsicConstructor(settings)).loadFromString(text);
        if (!(document instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(path + " is not a template: its top level is not a mapping");
        }
        return new SamTemplate(path, (Map<String, Object>) map);
    }

    /**
     * @param path the template file
     * @return its resources by logical id, in template order
     */
    public static Map<String, Resource> resources(Path path) {
        return load(path).resources();
    }

    /** @return the file it was read from */
    public Path path() {
        return path;
    }

    /** @return its resources by logical id, in template order */
    public Map<String, Resource> resources() {
        return resources;
    }

    /**
     * @param id a function's logical id
     * @return the function's properties over the template's {@code Globals.Function}
     * @throws IllegalArgumentException if the template has no function of that id
     */
    public Map<String, Object> function(String id) {
        Resource r = resources.get(id);
        if (r == null || !"AWS::Serverless::Function".equals(r.type())) {
            throw new IllegalArgumentException(path + " has no function " + id + " (functions: " + functionIds() + ")");
        }
        Map<String, Object> merged = new LinkedHashMap<>(section("Globals") instanceof Map<?, ?> g && g.get("Function") instanceof Map<?, ?> f
                ? properties(f) : Map.of());
        merged.putAll(r.properties());
        return merged;
    }

    private List<String> functionIds() {
        return resources.entrySet().stream().filter(e -> "AWS::Serverless::Function".equals(e.getValue().type())).map(Map.Entry::getKey).toList();
    }

    /**
     * @param name a top-level section: {@code Parameters}, {@code Outputs}, {@code Globals}, ...
     * @return the section as read, or an empty map
     */
    public Object section(String name) {
        return root.getOrDefault(name, Map.of());
    }

    /** Short-form intrinsics as their long forms. */
    private static final class IntrinsicConstructor extends StandardConstructor {
        IntrinsicConstructor(LoadSettings settings) {
            super(settings);
            tagConstructors.put(new Tag("!Ref"), node -> Map.of("Ref", constructScalar((ScalarNode) node)));
            tagConstructors.put(new Tag("!Condition"), node -> Map.of("Condition", constructScalar((ScalarNode) node)));
            for (String function : FUNCTIONS) {
                tagConstructors.put(new Tag("!" + function), intrinsic("Fn::" + function));
            }
        }

        private ConstructNode intrinsic(String key) {
            return node -> {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    value = key.equals("Fn::GetAtt") ? List.of(text.substring(0, text.indexOf('.')), text.substring(text.indexOf('.') + 1))
                            : text;
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                return Map.of(key, value);
            };
        }
    }
}
