package io.myelin.cache;

import java.util.Optional;
import java.util.Set;

import io.helidon.config.Config;
import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.ConfigProblems;
import io.myelin.api.Durations;
import io.myelin.api.cache.Caches;

/**
 * The cache tier behind the {@code api} cache SPI (DESIGN.md §6): one Ehcache 3 heap pool of
 * {@code cache.max_size_estimated} bytes that every named cache shares, each entry counted by its cache's weigher;
 * entries expire {@code cache.max_age} after they were written. See {@link EhcacheCaches} for why the tier is
 * built this way.
 *
 * <p>Configuration, section {@code cache}:
 * <ul>
 *     <li>{@code max_size_estimated}: the budget of all caches together, a size such as {@code 512mb} or
 *     {@code 1gb} (default {@code 1gb}, at least {@code 1mb}); taken from the Java heap only as entries are
 *     cached, so the maximum heap must leave room for it</li>
 *     <li>{@code max_age}: how long an entry lives after it was written, whole numbers with units
 *     {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}, such as {@code 30m} or {@code 1h30m}, or ISO-8601
 *     such as {@code PT1H} (default {@code 1h})</li>
 * </ul>
 */
public final class CacheComponent implements Component {

    private static final System.Logger LOG = System.getLogger(CacheComponent.class.getName());

    private EhcacheCaches caches;

    @Override
    public String name() {
        return "cache";
    }

    @Override
    public Set<Class<?>> provides() {
        return Set.of(Caches.class);
    }

    @Override
    public void verify(Config section, ConfigProblems problems) {
        CacheSettings.read(section, problems);
    }

    @Override
    public void start(ComponentContext context) {
        ConfigProblems problems = new ConfigProblems();
        CacheSettings settings = CacheSettings.read(context.config(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cache: bad configuration: " + String.join("; ", problems.list()));
        }
        long started = System.nanoTime();
        caches = new EhcacheCaches(settings, context.clock(), context.meters());
        context.provide(Caches.class, caches);
        LOG.log(System.Logger.Level.INFO, () -> "cache: started in " + (System.nanoTime() - started) / 1_000_000
                + " ms, budget " + size(settings.maxSize().bytes()) + " on heap shared by all caches,"
                + " entries expire after " + Durations.format(settings.maxAge()));
        heapWarning(settings.maxSize().bytes(), Runtime.getRuntime().maxMemory())
                .ifPresent(warning -> LOG.log(System.Logger.Level.WARNING, warning));
    }

    /**
     * Warns when a full cache would leave the server too little heap. Not an error: the budget is only an upper
     * bound, which a small installation may never reach.
     *
     * @param budget  the cache budget in bytes
     * @param maxHeap the maximum heap in bytes
     * @return the warning, or empty when the budget is at most half the maximum heap
     */
    static Optional<String> heapWarning(long budget, long maxHeap) {
        if (budget <= maxHeap / 2) {
            return Optional.empty();
        }
        return Optional.of("cache: cache.max_size_estimated " + size(budget) + " is more than half the maximum"
                + " heap (" + (maxHeap >> 20) + "mb); a full cache could run the server out of memory: lower it or"
                + " raise -Xmx");
    }

    /** Writes a size in the largest unit that divides it, as an operator would have written it. */
    static String size(long bytes) {
        String[] units = {"b", "kb", "mb", "gb", "tb"};
        int unit = 0;
        long amount = bytes;
        while (unit < units.length - 1 && amount >= 1024 && amount % 1024 == 0) {
            amount /= 1024;
            unit++;
        }
        return amount + units[unit];
    }

    @Override
    public void stop() {
        if (caches != null) {
            caches.close();
            caches = null;
            LOG.log(System.Logger.Level.INFO, "cache: stopped");
        }
    }
}
