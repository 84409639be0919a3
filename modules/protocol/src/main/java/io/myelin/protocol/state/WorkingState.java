package io.myelin.protocol.state;

import java.util.HashMap;
import java.util.Map;

import io.myelin.protocol.auth.StateKey;

/**
 * The partially resolved state during iterative auth checks: the entries resolution has applied, over a
 * base that is never copied (the unconflicted state map in v2, nothing in v2.1), so that a room with a
 * hundred thousand unconflicted entries does not pay for copying them twice.
 */
final class WorkingState {

    private final Map<StateKey, String> base;
    private final Map<StateKey, String> applied = new HashMap<>();

    WorkingState(Map<StateKey, String> base) {
        this.base = base;
    }

    String get(StateKey key) {
        String id = applied.get(key);
        return id != null ? id : base.get(key);
    }

    void put(StateKey key, String eventId) {
        applied.put(key, eventId);
    }

    /** @return the entries applied by the auth checks */
    Map<StateKey, String> applied() {
        return applied;
    }
}
