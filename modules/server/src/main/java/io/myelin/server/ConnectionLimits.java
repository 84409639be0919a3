package io.myelin.server;

import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

import com.sun.management.UnixOperatingSystemMXBean;

import io.myelin.server.config.CoreConfig;

/**
 * How many connections each listener holds open at once.
 *
 * <p>A listener that accepts past the process's limit of open files fails its accept with "too many open
 * files", and Helidon then closes the listening socket for good: the server keeps running but answers no one.
 * Each listener therefore gets a share of that limit, below it by a reserve for the database, the bus, log files
 * and outgoing connections, and waits for a connection to close once its share is open. A configured
 * {@code max_connections} wins over the share.
 *
 * @param client     the client listener's limit, -1 for none
 * @param federation the federation listener's limit, -1 for none
 */
record ConnectionLimits(int client, int federation) {

    /** File descriptors left for everything but accepted connections. */
    static final int RESERVED = 1024;

    /** The least a derived share may be, however low the process's limit. */
    static final int FLOOR = 64;

    /**
     * @param core the core configuration
     * @return the limits for this process
     */
    static ConnectionLimits of(CoreConfig core) {
        return of(core, openFileLimit());
    }

    /**
     * @param core      the core configuration
     * @param fileLimit the process's limit of open files, empty when unknown
     * @return the limits: configured ones, else three quarters of what the reserve leaves for the client listener
     *         and a quarter for federation (all of it for the client listener when federation is off)
     */
    static ConnectionLimits of(CoreConfig core, OptionalLong fileLimit) {
        long usable = fileLimit.isPresent() ? Math.max(0, fileLimit.getAsLong() - RESERVED) : -1;
        boolean federation = core.federation().enabled();
        long clientShare = federation ? usable * 3 / 4 : usable;
        return new ConnectionLimits(
                limit(core.client().maxConnections(), usable, clientShare),
                limit(core.federation().maxConnections(), usable, usable - clientShare));
    }

    private static int limit(int configured, long usable, long share) {
        if (configured > 0) {
            return configured;
        }
        if (usable < 0) {
            return -1;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(FLOOR, share));
    }

    private static OptionalLong openFileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            return max > 0 ? OptionalLong.of(max) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
