package io.myelin.api.roomserver;

import java.util.List;

/**
 * Events whose auth chain to read.
 *
 * @param eventIds the events
 */
public record AuthChainRequest(List<String> eventIds) {
}
