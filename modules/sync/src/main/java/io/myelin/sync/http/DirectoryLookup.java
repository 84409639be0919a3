package io.myelin.sync.http;

import java.util.function.Predicate;

import io.myelin.api.sync.PublishedRooms;

/**
 * The room directory as {@code /initialSync} sees it: the look-up the client component hands over when it starts,
 * and before that (or on a server without it) no room published.
 */
public final class DirectoryLookup implements PublishedRooms {

    private volatile Predicate<String> published = roomId -> false;

    @Override
    public void lookup(Predicate<String> published) {
        this.published = published;
    }

    @Override
    public boolean published(String roomId) {
        return published.test(roomId);
    }
}
