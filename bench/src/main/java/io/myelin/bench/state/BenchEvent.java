package io.myelin.bench.state;

import java.util.List;

import io.myelin.protocol.event.EventView;
import jakarta.json.JsonObject;

/** An event held in memory for the benchmarks. */
record BenchEvent(String eventId, String roomId, String type, String stateKey, String sender, JsonObject content,
                  List<String> prevEventIds, List<String> authEventIds, long depth, long originServerTs,
                  String redacts) implements EventView {
}
