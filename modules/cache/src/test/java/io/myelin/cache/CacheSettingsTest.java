package io.myelin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.myelin.api.Component;
import io.myelin.api.ConfigProblems;
import io.myelin.api.cache.Caches;
import org.junit.jupiter.api.Test;

class CacheSettingsTest {

    private static Config section(Map<String, String> config) {
        return Config.just(ConfigSources.create(config)).get("cache");
    }

    private static List<String> problems(Map<String, String> config) {
        ConfigProblems problems = new ConfigProblems();
        new CacheComponent().verify(section(config), problems);
        return problems.list();
    }

    @Test
    void theComponentIsFoundAsAServiceAndProvidesTheCaches() {
        CacheComponent component = new CacheComponent();

        assertEquals("cache", component.configKey());
        assertEquals(Set.of(Caches.class), component.provides());
        assertTrue(CacheComponent.class.getModule().getDescriptor().provides().stream()
                .anyMatch(p -> p.service().equals(Component.class.getName())
                        && p.providers().contains(CacheComponent.class.getName())));
    }

    @Test
    void defaultsApplyWhenTheSectionIsMissing() {
        ConfigProblems problems = new ConfigProblems();
        CacheSettings settings = CacheSettings.read(section(Map.of()), problems);

        assertTrue(problems.isEmpty(), problems.list()::toString);
        assertEquals(1L << 30, settings.maxSize().bytes());
        assertEquals(Duration.ofHours(1), settings.maxAge());
    }

    @Test
    void goodValuesAreRead() {
        ConfigProblems problems = new ConfigProblems();
        CacheSettings settings = CacheSettings.read(section(Map.of(
                "cache.max_size_estimated", "256MB", "cache.max_age", "1h30m")),
                problems);

        assertTrue(problems.isEmpty(), problems.list()::toString);
        assertEquals(256L << 20, settings.maxSize().bytes());
        assertEquals(Duration.ofMinutes(90), settings.maxAge());
    }

    @Test
    void sizesAreLoggedAsAnOperatorWritesThem() {
        assertEquals("1gb", CacheComponent.size(1L << 30));
        assertEquals("1536mb", CacheComponent.size(1536L << 20));
        assertEquals("1000b", CacheComponent.size(1000));
        assertEquals("0b", CacheComponent.size(0));
    }

    @Test
    void aBudgetAboveHalfTheHeapIsWarnedAbout() {
        assertTrue(CacheComponent.heapWarning(1L << 30, 4L << 30).isEmpty());
        assertTrue(CacheComponent.heapWarning(2L << 30, 4L << 30).isEmpty());
        assertEquals("cache: cache.max_size_estimated 1gb is more than half the maximum heap (1024mb); a full"
                + " cache could run the server out of memory: lower it or raise -Xmx",
                CacheComponent.heapWarning(1L << 30, 1L << 30).orElseThrow());
    }

    @Test
    void badSizeIsReportedWithItsKey() {
        List<String> problems = problems(Map.of("cache.max_size_estimated", "12xb"));

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().startsWith("cache.max_size_estimated: '12xb' is not a size"),
                problems::toString);
    }

    @Test
    void sizeBelowOneMegabyteIsReported() {
        List<String> problems = problems(Map.of("cache.max_size_estimated", "64kb"));

        assertEquals(List.of("cache.max_size_estimated: '64kb' is below the smallest budget, 1mb"), problems);
    }

    @Test
    void badAgeIsReportedWithItsKey() {
        List<String> problems = problems(Map.of("cache.max_age", "1 hour"));

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().startsWith("cache.max_age: '1 hour' is not a duration"), problems::toString);
    }

    @Test
    void zeroAgeIsReported() {
        assertEquals(List.of("cache.max_age: '0s' is not longer than zero"), problems(Map.of("cache.max_age", "0s")));
    }

    @Test
    void everyProblemIsReportedTogetherIncludingUnknownKeys() {
        List<String> problems = problems(Map.of(
                "cache.max_size_estimated", "lots",
                "cache.max_age", "forever",
                "cache.heap_entries", "10000",
                "cache.max_size", "1gb"));

        assertEquals(4, problems.size(), problems::toString);
        assertTrue(problems.contains("cache.max_size: unknown key (known: max_size_estimated, max_age)"),
                problems::toString);
        assertTrue(problems.contains("cache.heap_entries: unknown key (known: max_size_estimated, max_age)"),
                problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("cache.max_size_estimated: 'lots'")),
                problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("cache.max_age: 'forever'")), problems::toString);
    }

    @Test
    void aSectionInsteadOfAValueIsReported() {
        List<String> problems = problems(Map.of("cache.max_age.hours", "1"));

        assertEquals(List.of("cache.max_age: must be a single value"), problems);
    }
}
