package io.myelin.cache;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * The Ehcache 3 cache tier behind the {@code api} cache SPI.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class CacheComponent implements Component {

    private static final System.Logger LOG = System.getLogger(CacheComponent.class.getName());

    @Override
    public String name() {
        return "cache";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "cache: started, no endpoints yet");
    }
}
