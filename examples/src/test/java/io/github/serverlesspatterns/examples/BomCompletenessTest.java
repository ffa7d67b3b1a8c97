package io.github.serverlesspatterns.examples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The build fails when a published module (one that does not skip deployment) is missing from
 * patterns-bom, or is listed there with another version.
 */
class BomCompletenessTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    private static String child(Element element, String name) {
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && n.getNodeName().equals(name)) {
                return n.getTextContent().trim();
            }
        }
        return null;
    }

    @Test
    void everyPublishedModule_isInTheBomWithTheProjectVersion() throws Exception {
        Document parent = parse(ROOT.resolve("pom.xml"));
        String version = child(parent.getDocumentElement(), "version");
        NodeList modules = parent.getElementsByTagName("module");
        List<String> published = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            Path pom = ROOT.resolve(module).resolve("pom.xml");
            assertTrue(Files.exists(pom), "module without pom: " + module);
            String text = Files.readString(pom);
            boolean skipsDeploy = text.contains("<maven.deploy.skip>true</maven.deploy.skip>");
            if (!skipsDeploy && !module.equals("patterns-bom")) {
                published.add(child(parse(pom).getDocumentElement(), "artifactId"));
            }
        }
        assertFalse(published.isEmpty());

        Map<String, String> bom = new HashMap<>();
        NodeList dependencies = parse(ROOT.resolve("patterns-bom/pom.xml")).getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            bom.put(child(dependency, "artifactId"), child(dependency, "version"));
        }
        for (String artifact : published) {
            assertTrue(bom.containsKey(artifact), "published module " + artifact + " is missing from patterns-bom");
            assertEquals(version, bom.get(artifact), "patterns-bom lists " + artifact + " with another version");
        }
        assertEquals(version, child(parse(ROOT.resolve("patterns-bom/pom.xml")).getDocumentElement(), "version"),
                "patterns-bom's own version");
    }

    /**
     * The footprint policy (BENCHMARKS.md): what a user of a pattern module gets is patterns-core,
     * aws-lambda-java-core and slf4j-api; everything else (store clients, Lettuce, Jackson, the
     * Lambda events) is optional or test-scoped, so no module drags in Netty, Jackson or Lettuce.
     * {@code jmh/footprint/footprint.py --check} checks the resolved trees; this checks the poms in
     * every build.
     */
    @Test
    void patternModules_bringOnlyCoreLambdaCoreAndSlf4j_everythingElseIsOptional() throws Exception {
        List<String> allowed = List.of("patterns-core", "aws-lambda-java-core", "slf4j-api");
        List<String> violations = new ArrayList<>();
        for (String module : List.of("patterns-core", "patterns-idempotency", "patterns-circuitbreaker", "patterns-fifo",
                "patterns-fanout", "patterns-cache")) {
            Element project = parse(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement();
            NodeList dependencies = project.getElementsByTagName("dependency");
            for (int i = 0; i < dependencies.getLength(); i++) {
                Element dependency = (Element) dependencies.item(i);
                if (!dependency.getParentNode().getParentNode().isSameNode(project)) {
                    continue; // dependencyManagement or a plugin's dependencies
                }
                String scope = child(dependency, "scope");
                boolean reachesUsers = (scope == null || scope.equals("compile") || scope.equals("runtime"))
                        && !"true".equals(child(dependency, "optional"));
                String artifact = child(dependency, "artifactId");
                if (reachesUsers && !allowed.contains(artifact)) {
                    violations.add(module + " -> " + artifact);
                }
            }
        }
        assertEquals(List.of(), violations, "dependencies a user would get without asking");
    }
}
