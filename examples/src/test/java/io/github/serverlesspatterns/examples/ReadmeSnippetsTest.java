package io.github.serverlesspatterns.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Docs that compile: every Java snippet in the project's Markdown files is an excerpt of a Java
 * source the build compiles — its lines, in order and contiguous, ignoring indentation and blank
 * lines. A first line {@code // from ...} names where an excerpt comes from and is not compared.
 * Change the source and the README together, or this fails naming the snippet.
 */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static List<String> normalized(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static boolean containsRun(List<String> haystack, List<String> needle) {
        outer:
        for (int i = 0; i + needle.size() <= haystack.size(); i++) {
            for (int j = 0; j < needle.size(); j++) {
                if (!haystack.get(i + j).equals(needle.get(j))) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static List<Path> files(String glob) throws IOException {
        try (Stream<Path> all = Files.walk(ROOT)) {
            var matcher = ROOT.getFileSystem().getPathMatcher("glob:" + glob);
            return all.filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .filter(p -> matcher.matches(ROOT.relativize(p))).sorted().toList();
        }
    }

    /** Every ```java block of a Markdown file, by the line it starts on. */
    static Map<Integer, List<String>> snippets(Path markdown) throws IOException {
        Map<Integer, List<String>> out = new TreeMap<>();
        List<String> lines = Files.readAllLines(markdown);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```java")) {
                int start = i + 1;
                List<String> block = new ArrayList<>();
                for (i = i + 1; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
                    block.add(lines.get(i));
                }
                List<String> code = normalized(block);
                if (!code.isEmpty() && code.get(0).startsWith("// from ")) {
                    code = code.subList(1, code.size());
                }
                out.put(start, code);
            }
        }
        return out;
    }

    @Test
    void everyJavaSnippetInTheDocs_isAnExcerptOfCompiledCode() throws IOException {
        List<List<String>> sources = new ArrayList<>();
        for (Path java : files("**/src/{main,test}/java/**.java")) {
            sources.add(normalized(Files.readAllLines(java)));
        }
        assertFalse(sources.isEmpty(), "no Java sources found under " + ROOT);
        List<Path> docs = new ArrayList<>(files("*.md"));
        docs.addAll(files("examples/*/README.md"));
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs) {
            for (Map.Entry<Integer, List<String>> snippet : snippets(doc).entrySet()) {
                checked++;
                List<String> code = snippet.getValue();
                if (code.isEmpty() || sources.stream().noneMatch(source -> containsRun(source, code))) {
                    problems.add(ROOT.relativize(doc) + ":" + snippet.getKey() + " ("
                            + (code.isEmpty() ? "empty" : code.get(0)) + ")");
                }
            }
        }
        assertTrue(checked > 0, "no Java snippets found in " + docs);
        assertTrue(problems.isEmpty(), "Java snippets that are not excerpts of compiled code (" + problems.size() + " of "
                + checked + "):\n  " + String.join("\n  ", problems));
    }

    @Test
    void aSnippetThatDriftedFromItsSource_isFound() throws IOException {
        Path drifted = Files.createTempFile("drifted", ".md");
        try {
            Files.writeString(drifted, "text\n```java\nCacheAside<String, Report> cache = CacheAside.of(redisClient,\n"
                    + "        CacheConfig.builder(\"reports\", id -> id, Codecs.utf8()).build());\n```\n");
            List<String> code = snippets(drifted).values().iterator().next();
            List<List<String>> sources = new ArrayList<>();
            for (Path java : files("examples/src/main/java/**.java")) {
                sources.add(normalized(Files.readAllLines(java)));
            }
            assertTrue(sources.stream().noneMatch(source -> containsRun(source, code)),
                    "a snippet whose text is in no source must not pass");
        } finally {
            Files.delete(drifted);
        }
    }
}
