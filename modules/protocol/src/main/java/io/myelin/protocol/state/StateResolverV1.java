package io.myelin.protocol.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.AuthState;
import io.myelin.protocol.auth.EventTypes;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;

/**
 * The state resolution of room version 1: conflicts over power levels, then join rules, then memberships
 * are settled by replaying the candidates in depth order while they pass auth; any other conflict goes to
 * the deepest candidate that passes auth.
 */
final class StateResolverV1 {

    private static final List<String> AUTH_TYPES =
            List.of(EventTypes.POWER_LEVELS, EventTypes.JOIN_RULES, EventTypes.MEMBER);

    private final AuthRules rules;
    private final EventSource source;
    private final ResolutionListener listener;
    private final Map<String, String> sha1 = new HashMap<>();

    StateResolverV1(RoomVersion version, AuthRules rules, EventSource source, ResolutionListener listener) {
        this.rules = rules;
        this.source = source;
        this.listener = listener;
    }

    Map<StateKey, String> resolve(List<Map<StateKey, String>> stateSets) {
        // R starts as the union of the states without the keys whose events differ between them.
        Map<StateKey, Set<String>> candidates = new HashMap<>();
        for (Map<StateKey, String> set : stateSets) {
            for (Map.Entry<StateKey, String> entry : set.entrySet()) {
                candidates.computeIfAbsent(entry.getKey(), k -> new LinkedHashSet<>(2)).add(entry.getValue());
            }
        }
        Map<StateKey, String> resolved = new HashMap<>();
        List<StateKey> conflicted = new ArrayList<>();
        candidates.forEach((key, ids) -> {
            if (ids.size() == 1) {
                resolved.put(key, ids.iterator().next());
            } else {
                conflicted.add(key);
            }
        });
        listener.note("conflicted keys " + conflicted.size());
        conflicted.sort(Comparator.comparing(StateKey::type).thenComparing(StateKey::stateKey));

        for (String type : AUTH_TYPES) {
            for (StateKey key : conflicted) {
                if (key.type().equals(type)) {
                    replayWhileAllowed(key, events(candidates.get(key)), resolved);
                }
            }
        }
        Set<String> authTypes = new HashSet<>(AUTH_TYPES);
        for (StateKey key : conflicted) {
            if (!authTypes.contains(key.type())) {
                pickDeepestAllowed(key, events(candidates.get(key)), resolved);
            }
        }
        return resolved;
    }

    private void replayWhileAllowed(StateKey key, List<EventView> events, Map<StateKey, String> resolved) {
        if (events.isEmpty()) {
            return;
        }
        events.sort(Comparator.comparingLong(EventView::depth)
                .thenComparing(e -> sha1(e.eventId()), Comparator.reverseOrder()));
        listener.ordered("depth order for " + key, StateResolverV2.ids(events));
        resolved.put(key, events.getFirst().eventId());
        for (EventView event : events.subList(1, events.size())) {
            AuthResult result = rules.check(event, state(resolved));
            listener.checked("conflict " + key, event, result);
            if (!result.allowed()) {
                return;
            }
            resolved.put(key, event.eventId());
        }
    }

    private void pickDeepestAllowed(StateKey key, List<EventView> events, Map<StateKey, String> resolved) {
        if (events.isEmpty()) {
            return;
        }
        events.sort(Comparator.comparingLong(EventView::depth).reversed()
                .thenComparing(e -> sha1(e.eventId())));
        listener.ordered("depth order for " + key, StateResolverV2.ids(events));
        for (EventView event : events) {
            AuthResult result = rules.check(event, state(resolved));
            listener.checked("conflict " + key, event, result);
            if (result.allowed()) {
                resolved.put(key, event.eventId());
                return;
            }
        }
        // When no candidate passes, the shallowest one is kept rather than losing the key altogether.
        resolved.put(key, events.getLast().eventId());
    }

    private AuthState state(Map<StateKey, String> resolved) {
        return (type, stateKey) -> {
            String id = resolved.get(new StateKey(type, stateKey));
            return id == null ? null : source.event(id);
        };
    }

    private List<EventView> events(Set<String> ids) {
        List<EventView> events = new ArrayList<>(ids.size());
        for (String id : ids) {
            EventView event = source.event(id);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    private String sha1(String eventId) {
        return sha1.computeIfAbsent(eventId, id -> {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(id.getBytes(StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK always provides SHA-1", e);
            }
        });
    }
}
