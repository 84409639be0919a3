package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.bus.Bus;
import io.myelin.api.cache.Caches;
import io.myelin.api.storage.Database;
import io.myelin.server.wiring.ComponentGraph;

import org.junit.jupiter.api.Test;

class ComponentGraphTest {

    record Fake(String name, Set<Class<?>> provides, Set<Class<?>> needs) implements Component {
        @Override
        public void start(ComponentContext context) {
        }
    }

    private static List<String> names(List<Component> order) {
        return order.stream().map(Component::name).toList();
    }

    @Test
    void providersStartBeforeTheirUsers() {
        var storage = new Fake("storage", Set.of(Database.class), Set.of());
        var bus = new Fake("bus", Set.of(Bus.class), Set.of(Database.class));
        var cache = new Fake("cache", Set.of(Caches.class), Set.of());
        var roomserver = new Fake("roomserver", Set.of(), Set.of(Database.class, Bus.class, Caches.class));
        var order = names(ComponentGraph.startOrder(List.of(roomserver, bus, cache, storage)));
        assertTrue(order.indexOf("storage") < order.indexOf("bus"));
        assertTrue(order.indexOf("bus") < order.indexOf("roomserver"));
        assertTrue(order.indexOf("cache") < order.indexOf("roomserver"));
        assertEquals(4, order.size());
    }

    @Test
    void orderDoesNotDependOnDiscoveryOrder() {
        var a = new Fake("a", Set.of(), Set.of());
        var b = new Fake("b", Set.of(Database.class), Set.of());
        var c = new Fake("c", Set.of(), Set.of(Database.class));
        assertEquals(names(ComponentGraph.startOrder(List.of(a, b, c))),
                names(ComponentGraph.startOrder(List.of(c, b, a))));
    }

    @Test
    void missingProviderIsNamed() {
        var bus = new Fake("bus", Set.of(Bus.class), Set.of(Database.class));
        var e = assertThrows(IllegalStateException.class, () -> ComponentGraph.startOrder(List.of(bus)));
        assertTrue(e.getMessage().contains("bus needs io.myelin.api.storage.Database"), e.getMessage());
    }

    @Test
    void cycleIsNamed() {
        var x = new Fake("x", Set.of(Bus.class), Set.of(Database.class));
        var y = new Fake("y", Set.of(Database.class), Set.of(Bus.class));
        var e = assertThrows(IllegalStateException.class, () -> ComponentGraph.startOrder(List.of(x, y)));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void serviceProvidedTwiceIsRefused() {
        var x = new Fake("x", Set.of(Bus.class), Set.of());
        var y = new Fake("y", Set.of(Bus.class), Set.of());
        var e = assertThrows(IllegalStateException.class, () -> ComponentGraph.startOrder(List.of(x, y)));
        assertTrue(e.getMessage().contains("provided by both"), e.getMessage());
    }
}
