package io.myelin.protocol.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;

/** Walks of the {@code auth_events} graph that state resolution needs. */
final class AuthGraph {

    private AuthGraph() {
    }

    /**
     * The union of the auth chains of some events (the events themselves only when another cites them).
     *
     * @param source the events
     * @param starts the events whose chains to take
     * @param stopAt events not to walk through (nor add); may be empty
     * @return the chain
     */
    static Set<String> authChain(EventSource source, Collection<String> starts, Set<String> stopAt) {
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        for (String start : starts) {
            enqueueAuth(source, start, seen, queue, stopAt);
        }
        while (!queue.isEmpty()) {
            enqueueAuth(source, queue.poll(), seen, queue, stopAt);
        }
        return seen;
    }

    private static void enqueueAuth(EventSource source, String eventId, Set<String> seen,
                                    ArrayDeque<String> queue, Set<String> stopAt) {
        EventView event = source.event(eventId);
        if (event == null) {
            return;
        }
        for (String auth : event.authEventIds()) {
            if (!stopAt.contains(auth) && seen.add(auth)) {
                queue.add(auth);
            }
        }
    }

    /**
     * The auth difference, computed from the chains of the conflicted events of each set; the chains of
     * the unconflicted events are walked only to remove what they share, and not below an event every
     * conflicted chain already holds (whatever lies below it is common to all chains).
     *
     * <p>A state set's full auth chain holds the set's own events as well as their auth chains, as
     * deployed servers compute it: an event a set holds is not "missing" from that set's history.
     */
    static Set<String> authDifference(EventSource source, List<Set<String>> conflictedPerSet,
                                      Map<StateKey, String> unconflicted) {
        List<Set<String>> chains = new ArrayList<>(conflictedPerSet.size());
        for (Set<String> set : conflictedPerSet) {
            Set<String> chain = authChain(source, set, Set.of());
            chain.addAll(set);
            chains.add(chain);
        }
        Set<String> inAll = new HashSet<>(chains.getFirst());
        Set<String> difference = new HashSet<>();
        for (Set<String> chain : chains) {
            inAll.retainAll(chain);
        }
        for (Set<String> chain : chains) {
            for (String id : chain) {
                if (!inAll.contains(id)) {
                    difference.add(id);
                }
            }
        }
        if (difference.isEmpty()) {
            return difference;
        }
        difference.removeIf(id -> isHeldBy(source.event(id), id, unconflicted));
        Set<String> common = authChain(source, unconflicted.values(), inAll);
        difference.removeAll(common);
        return difference;
    }

    private static boolean isHeldBy(EventView event, String id, Map<StateKey, String> state) {
        return event != null && event.stateKey() != null
                && id.equals(state.get(new StateKey(event.type(), event.stateKey())));
    }

    /**
     * The conflicted state subgraph of state resolution v2.1: every event on an {@code auth_events} path
     * from one conflicted event to another, endpoints included.
     */
    static Set<String> conflictedSubgraph(EventSource source, Set<String> conflicted) {
        Set<String> below = authChain(source, conflicted, Set.of());
        below.addAll(conflicted);

        // Reverse edges inside the region, then walk up from the conflicted events: an event reaches a
        // conflicted event exactly when it is found on that walk.
        Map<String, List<String>> citedBy = new HashMap<>();
        for (String id : below) {
            EventView event = source.event(id);
            if (event == null) {
                continue;
            }
            for (String auth : event.authEventIds()) {
                if (below.contains(auth)) {
                    citedBy.computeIfAbsent(auth, k -> new ArrayList<>(2)).add(id);
                }
            }
        }
        Set<String> subgraph = new HashSet<>(conflicted);
        ArrayDeque<String> queue = new ArrayDeque<>(conflicted);
        while (!queue.isEmpty()) {
            for (String parent : citedBy.getOrDefault(queue.poll(), List.of())) {
                if (subgraph.add(parent)) {
                    queue.add(parent);
                }
            }
        }
        return subgraph;
    }
}
