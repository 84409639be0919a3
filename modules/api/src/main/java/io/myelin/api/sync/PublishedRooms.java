package io.myelin.api.sync;

import java.util.function.Predicate;

/**
 * Whether a room is published in this server's public room directory, which {@code /initialSync} reports as each
 * room's {@code visibility}. Provided by the sync component; the client component, which keeps the directory
 * and starts after sync, hands it the look-up. Until then no room counts as published.
 */
public interface PublishedRooms {

    /**
     * Sets how a room is looked up in the directory.
     *
     * @param published whether a room id is published
     */
    void lookup(Predicate<String> published);

    /**
     * @param roomId a room
     * @return whether it is published in the room directory
     */
    boolean published(String roomId);
}
