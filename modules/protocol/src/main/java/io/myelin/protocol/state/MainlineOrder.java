package io.myelin.protocol.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.myelin.protocol.auth.EventTypes;
import io.myelin.protocol.event.EventView;

/**
 * The mainline ordering of state resolution v2: events sorted by how far back along the chain of power
 * levels events (the mainline of the resolved power levels) their own power levels lie, earliest first.
 */
final class MainlineOrder {

    private static final int UNKNOWN = Integer.MAX_VALUE;

    private final EventSource source;
    private final Map<String, Integer> positions = new HashMap<>();

    MainlineOrder(EventSource source, String powerLevelsId) {
        this.source = source;
        int index = 0;
        String id = powerLevelsId;
        while (id != null && !positions.containsKey(id)) {
            positions.put(id, index++);
            id = powerLevelsOf(source.event(id));
        }
    }

    List<EventView> sort(List<EventView> events) {
        Map<String, Integer> position = new HashMap<>();
        for (EventView event : events) {
            position.put(event.eventId(), position(event));
        }
        List<EventView> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.<EventView>comparingInt(e -> -position.get(e.eventId()))
                .thenComparingLong(EventView::originServerTs)
                .thenComparing(EventView::eventId));
        return sorted;
    }

    /**
     * The mainline position of an event: the index of the first mainline event met walking up the power
     * levels events it cites, or "infinity" when the walk never meets the mainline.
     */
    private int position(EventView event) {
        List<String> walked = new ArrayList<>();
        String id = powerLevelsOf(event);
        int found = UNKNOWN;
        while (id != null) {
            Integer known = positions.get(id);
            if (known != null) {
                found = known;
                break;
            }
            walked.add(id);
            id = powerLevelsOf(source.event(id));
        }
        // Remember the walk so that events citing the same old power levels do not repeat it.
        for (String step : walked) {
            positions.put(step, found);
        }
        return found;
    }

    private String powerLevelsOf(EventView event) {
        if (event == null) {
            return null;
        }
        for (String authId : event.authEventIds()) {
            EventView auth = source.event(authId);
            if (auth != null && EventTypes.POWER_LEVELS.equals(auth.type()) && "".equals(auth.stateKey())) {
                return authId;
            }
        }
        return null;
    }
}
