package io.myelin.server.wiring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.api.Component;

/**
 * Orders components so that every component starts after the components that provide what it needs.
 */
public final class ComponentGraph {

    private ComponentGraph() {
    }

    /**
     * Orders components by their provided and needed services. Ties keep a stable order by name, so that
     * start-up is the same on every run.
     *
     * @param components the components found
     * @return the start order
     * @throws IllegalStateException when a service is provided twice, needed but never provided, or the
     *                               needs form a cycle; the message names the components involved
     */
    public static List<Component> startOrder(List<Component> components) {
        Map<Class<?>, Component> providers = new HashMap<>();
        for (Component c : components) {
            for (Class<?> service : c.provides()) {
                Component other = providers.putIfAbsent(service, c);
                if (other != null) {
                    throw new IllegalStateException(service.getName() + " is provided by both " + other.name()
                            + " and " + c.name());
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (Component c : components) {
            for (Class<?> service : c.needs()) {
                if (!providers.containsKey(service)) {
                    missing.add(c.name() + " needs " + service.getName() + ", which no component provides");
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(String.join("; ", missing));
        }

        List<Component> sorted = new ArrayList<>(components);
        sorted.sort(Comparator.comparing(Component::name));
        Set<Component> done = new LinkedHashSet<>();
        Set<Component> visiting = new LinkedHashSet<>();
        for (Component c : sorted) {
            visit(c, providers, done, visiting);
        }
        return List.copyOf(done);
    }

    private static void visit(Component c, Map<Class<?>, Component> providers, Set<Component> done,
                              Set<Component> visiting) {
        if (done.contains(c)) {
            return;
        }
        if (!visiting.add(c)) {
            List<String> cycle = visiting.stream().map(Component::name).toList();
            throw new IllegalStateException("components need each other in a cycle: " + String.join(" -> ", cycle)
                    + " -> " + c.name());
        }
        c.needs().stream()
                .map(providers::get)
                .sorted(Comparator.comparing(Component::name))
                .forEach(p -> visit(p, providers, done, visiting));
        visiting.remove(c);
        done.add(c);
    }
}
