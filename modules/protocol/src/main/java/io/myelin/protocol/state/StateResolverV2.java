package io.myelin.protocol.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.EventTypes;
import io.myelin.protocol.auth.PowerLevels;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;
import jakarta.json.JsonString;

/**
 * State resolution v2 (room versions 2 to 11) and v2.1 (room version 12), as the spec's "State
 * resolution" section of those versions defines it.
 */
final class StateResolverV2 {

    private final RoomVersion version;
    private final AuthRules rules;
    private final EventSource source;
    private final ResolutionListener listener;
    private final boolean v21;

    StateResolverV2(RoomVersion version, AuthRules rules, EventSource source, ResolutionListener listener) {
        this.version = version;
        this.rules = rules;
        this.source = source;
        this.listener = listener;
        this.v21 = version.stateResolution() == RoomVersion.StateResolution.V2_1;
    }

    Map<StateKey, String> resolve(List<Map<StateKey, String>> stateSets) {
        StatePartition partition = StatePartition.of(stateSets);
        if (partition.conflicted().isEmpty()) {
            return partition.unconflicted();
        }

        // The full conflicted set: conflicted events, the auth difference and, in v2.1, the subgraph.
        Set<String> full = new HashSet<>(partition.conflicted());
        Set<String> difference = source.authChainDifference(partition.conflictedPerSet(),
                partition.unconflicted());
        full.addAll(difference);
        if (v21) {
            full.addAll(AuthGraph.conflictedSubgraph(source, partition.conflicted()));
        }
        full.removeIf(id -> source.event(id) == null);
        listener.note("conflicted " + partition.conflicted().size() + ", auth difference " + difference.size()
                + ", full conflicted set " + full.size());

        // Step 1: power events and what of their auth chains lies in the full conflicted set.
        Set<String> powerIds = new HashSet<>();
        for (String id : full) {
            if (isPowerEvent(source.event(id))) {
                powerIds.add(id);
            }
        }
        Set<String> withChains = new HashSet<>(powerIds);
        for (String id : AuthGraph.authChain(source, powerIds, Set.of())) {
            if (full.contains(id)) {
                withChains.add(id);
            }
        }
        List<EventView> powerOrder = reverseTopologicalPowerOrder(withChains);
        listener.ordered("reverse topological power ordering", ids(powerOrder));

        // Step 2: iterative auth checks from the unconflicted state (v2) or from nothing (v2.1).
        WorkingState state = new WorkingState(v21 ? Map.of() : partition.unconflicted());
        IterativeAuthChecks checks = new IterativeAuthChecks(version, rules, source, listener);
        checks.apply("power events", powerOrder, state);

        // Steps 3 and 4: the other events in mainline order of the resolved power levels.
        List<EventView> others = new ArrayList<>();
        for (String id : full) {
            if (!withChains.contains(id)) {
                others.add(source.event(id));
            }
        }
        List<EventView> mainlineOrder = new MainlineOrder(source, state.get(StateKey.POWER_LEVELS)).sort(others);
        listener.ordered("mainline ordering", ids(mainlineOrder));
        checks.apply("other events", mainlineOrder, state);

        // Step 5: the unconflicted state wins; the partition's map is ours to return.
        Map<StateKey, String> resolved = partition.unconflicted();
        state.applied().forEach(resolved::putIfAbsent);
        return resolved;
    }

    /**
     * Kahn's algorithm over the {@code auth_events} edges between the given events, taking at each step
     * the ready event whose sender has the most power, then the earliest, then the smallest id. Only direct
     * edges inside the set order events: the set is closed under the auth chains of its power events, so
     * an auth event outside it cannot sit between two events of the set except through events every state
     * set's chain already shares.
     */
    private List<EventView> reverseTopologicalPowerOrder(Set<String> ids) {
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<String>> citedBy = new HashMap<>();
        Map<String, EventView> events = new HashMap<>();
        for (String id : ids) {
            EventView event = source.event(id);
            events.put(id, event);
            int count = 0;
            for (String auth : event.authEventIds()) {
                if (ids.contains(auth)) {
                    count++;
                    citedBy.computeIfAbsent(auth, k -> new ArrayList<>(2)).add(id);
                }
            }
            pending.put(id, count);
        }
        Map<String, Long> senderPower = new HashMap<>();
        for (EventView event : events.values()) {
            senderPower.put(event.eventId(), senderPowerAtEvent(event));
        }
        Comparator<EventView> order = Comparator
                .<EventView>comparingLong(e -> -clampNegation(senderPower.get(e.eventId())))
                .thenComparingLong(EventView::originServerTs)
                .thenComparing(EventView::eventId);
        PriorityQueue<EventView> ready = new PriorityQueue<>(order);
        pending.forEach((id, count) -> {
            if (count == 0) {
                ready.add(events.get(id));
            }
        });
        List<EventView> result = new ArrayList<>(ids.size());
        while (!ready.isEmpty()) {
            EventView next = ready.poll();
            result.add(next);
            for (String child : citedBy.getOrDefault(next.eventId(), List.of())) {
                if (pending.merge(child, -1, Integer::sum) == 0) {
                    ready.add(events.get(child));
                }
            }
        }
        return result;
    }

    /** Negating Long.MIN_VALUE overflows; a saturated level sorts the same one step above it. */
    private static long clampNegation(long level) {
        return level == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : level;
    }

    private long senderPowerAtEvent(EventView event) {
        EventView create = null;
        EventView powerLevels = null;
        for (String id : event.authEventIds()) {
            EventView auth = source.event(id);
            if (auth == null || auth.stateKey() == null || !auth.stateKey().isEmpty()) {
                continue;
            }
            if (EventTypes.CREATE.equals(auth.type())) {
                create = auth;
            } else if (EventTypes.POWER_LEVELS.equals(auth.type())) {
                powerLevels = auth;
            }
        }
        if (create == null && version.v12Rules()) {
            create = source.event(IterativeAuthChecks.createIdOf(event.roomId()));
        }
        if (IterativeAuthChecks.isCreate(event)) {
            create = event;
        }
        return PowerLevels.of(version, create, powerLevels).user(event.sender());
    }

    static boolean isPowerEvent(EventView event) {
        if (event == null || event.stateKey() == null) {
            return false;
        }
        return switch (event.type()) {
            case EventTypes.POWER_LEVELS, EventTypes.JOIN_RULES -> true;
            case EventTypes.MEMBER -> !event.sender().equals(event.stateKey())
                    && event.content().get("membership") instanceof JsonString m
                    && (EventTypes.LEAVE.equals(m.getString()) || EventTypes.BAN.equals(m.getString()));
            default -> false;
        };
    }

    static List<String> ids(List<EventView> events) {
        return events.stream().map(EventView::eventId).toList();
    }
}
