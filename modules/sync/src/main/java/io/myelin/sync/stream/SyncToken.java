package io.myelin.sync.stream;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code since}/{@code next_batch} token: one position per {@link SyncSource} key, written
 * {@code s<rooms>_<account data>_<typing>_<receipts>_<presence>_<to-device>_<device lists>}. Clients treat it
 * as opaque.
 */
public final class SyncToken {

    /** Room events: timelines, state, memberships, invites. */
    public static final String ROOMS = "rooms";
    /** Global and per-room account data. */
    public static final String ACCOUNT_DATA = "account_data";
    /** Typing notifications. */
    public static final String TYPING = "typing";
    /** Receipts. */
    public static final String RECEIPTS = "receipts";
    /** Presence. */
    public static final String PRESENCE = "presence";
    /** To-device messages. */
    public static final String TO_DEVICE = "to_device";
    /** Device list changes. */
    public static final String DEVICE_LISTS = "device_lists";

    /** The keys in token order. */
    public static final List<String> KEYS = List.of(ROOMS, ACCOUNT_DATA, TYPING, RECEIPTS, PRESENCE, TO_DEVICE,
            DEVICE_LISTS);

    private final long[] positions;

    private SyncToken(long[] positions) {
        this.positions = positions;
    }

    /**
     * @param positions a position per key; missing keys are 0
     * @return the token
     */
    public static SyncToken of(Map<String, Long> positions) {
        long[] values = new long[KEYS.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = positions.getOrDefault(KEYS.get(i), 0L);
        }
        return new SyncToken(values);
    }

    /**
     * Reads a token. Tokens of an older layout with fewer parts read the missing parts as 0.
     *
     * @param text the token
     * @return the token
     * @throws IllegalArgumentException when it is not a token of this server
     */
    public static SyncToken parse(String text) {
        if (text == null || text.length() < 2 || text.charAt(0) != 's') {
            throw new IllegalArgumentException("not a sync token");
        }
        String[] parts = text.substring(1).split("_", -1);
        if (parts.length > KEYS.size()) {
            throw new IllegalArgumentException("not a sync token");
        }
        long[] values = new long[KEYS.size()];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a sync token");
            }
            if (values[i] < 0) {
                throw new IllegalArgumentException("not a sync token");
            }
        }
        return new SyncToken(values);
    }

    /**
     * @param key one of {@link #KEYS}
     * @return the position of that source
     */
    public long position(String key) {
        int index = KEYS.indexOf(key);
        if (index < 0) {
            throw new IllegalArgumentException("unknown sync stream " + key);
        }
        return positions[index];
    }

    /**
     * @return the positions by key
     */
    public Map<String, Long> positions() {
        Map<String, Long> map = new TreeMap<>();
        for (int i = 0; i < positions.length; i++) {
            map.put(KEYS.get(i), positions[i]);
        }
        return map;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("s");
        for (int i = 0; i < positions.length; i++) {
            if (i > 0) {
                text.append('_');
            }
            text.append(positions[i]);
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SyncToken token && Arrays.equals(positions, token.positions);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(positions);
    }
}
