package io.github.serverlesspatterns.examples;

import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads an example's SAM template (long-form intrinsics only, as the examples write them) for the tests that follow its wiring. */
final class SamTemplate {

    /** One resource: its {@code Type} and its {@code Properties} (empty when it has none). */
    record Resource(String type, Map<String, Object> properties) {
    }

    private SamTemplate() {
    }

    /**
     * @param template the template file
     * @return its resources by logical id, in template order
     * @throws IOException when it cannot be read
     */
    @SuppressWarnings("unchecked")
    static Map<String, Resource> resources(Path template) throws IOException {
        Map<String, Object> root = new YAMLMapper().readValue(Files.readString(template), Map.class);
        Map<String, Resource> resources = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) root.get("Resources")).forEach((id, r) -> resources.put(id,
                new Resource(String.valueOf(r.get("Type")), (Map<String, Object>) r.getOrDefault("Properties", Map.of()))));
        return resources;
    }
}
