package io.myelin.sync.rooms;

import java.util.Set;

/**
 * The membership events a device was sent for one room while lazy loading members, so that later syncs leave
 * them out unless the filter asks for {@code include_redundant_members}.
 *
 * @param eventIds the membership event ids
 */
public record SentMembers(Set<String> eventIds) {

    /** Copies the set. */
    public SentMembers {
        eventIds = Set.copyOf(eventIds);
    }
}
