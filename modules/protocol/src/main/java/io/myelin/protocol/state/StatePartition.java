package io.myelin.protocol.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.protocol.auth.StateKey;

/**
 * The split of state sets into the unconflicted state map (keys present in every set with the same
 * event) and the conflicted state set (every other event).
 *
 * @param unconflicted the unconflicted state map
 * @param conflicted the conflicted events
 * @param conflictedKeys the keys the conflicted events hold
 * @param conflictedPerSet for each state set, its conflicted events
 */
record StatePartition(Map<StateKey, String> unconflicted, Set<String> conflicted, Set<StateKey> conflictedKeys,
                      List<Set<String>> conflictedPerSet) {

    static StatePartition of(List<Map<StateKey, String>> stateSets) {
        if (stateSets.isEmpty()) {
            return new StatePartition(new HashMap<>(), Set.of(), Set.of(), List.of());
        }
        Map<StateKey, String> first = stateSets.getFirst();
        Map<StateKey, String> unconflicted = new HashMap<>(first.size() * 2);
        Set<StateKey> conflictedKeys = new HashSet<>();
        for (Map.Entry<StateKey, String> entry : first.entrySet()) {
            String id = entry.getValue();
            boolean same = true;
            for (int i = 1; i < stateSets.size() && same; i++) {
                same = id.equals(stateSets.get(i).get(entry.getKey()));
            }
            if (same) {
                unconflicted.put(entry.getKey(), id);
            } else {
                conflictedKeys.add(entry.getKey());
            }
        }
        // A key missing from the first set is conflicted wherever it appears.
        for (int i = 1; i < stateSets.size(); i++) {
            for (StateKey key : stateSets.get(i).keySet()) {
                if (!first.containsKey(key)) {
                    conflictedKeys.add(key);
                }
            }
        }
        Set<String> conflicted = new HashSet<>();
        List<Set<String>> perSet = new ArrayList<>(stateSets.size());
        for (Map<StateKey, String> set : stateSets) {
            Set<String> mine = new HashSet<>();
            for (StateKey key : conflictedKeys) {
                String id = set.get(key);
                if (id != null) {
                    mine.add(id);
                }
            }
            conflicted.addAll(mine);
            perSet.add(mine);
        }
        return new StatePartition(unconflicted, conflicted, conflictedKeys, perSet);
    }
}
