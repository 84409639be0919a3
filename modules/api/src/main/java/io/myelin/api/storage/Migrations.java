package io.myelin.api.storage;

import java.io.InputStream;
import java.util.List;
import java.util.function.Function;

/**
 * A component's schema migrations, applied in list order, each once.
 *
 * <p>Files live in the component's own module at {@code <base>/<dialect folder>/<file>}, for example
 * {@code /io/myelin/roomserver/db/sqlite/001-events.sql}, and are opened by {@code opener}, a lambda
 * written in the component's module so that its resources stay encapsulated:
 * {@code name -> RoomserverComponent.class.getResourceAsStream(name)}.
 *
 * @param component the owning component; migrations are recorded per component
 * @param base      the resource folder, for example {@code /io/myelin/roomserver/db}
 * @param files     file names in the order they apply; never reorder or edit one that has shipped
 * @param opener    opens a resource by absolute name, returning null when it is missing
 */
public record Migrations(String component, String base, List<String> files, Function<String, InputStream> opener) {

    /**
     * Copies the file list.
     */
    public Migrations {
        files = List.copyOf(files);
    }

    /**
     * The resource name of one file for a dialect.
     *
     * @param dialect the dialect
     * @param file    the file name
     * @return the absolute resource name
     */
    public String resource(Dialect dialect, String file) {
        return base + "/" + dialect.folder() + "/" + file;
    }
}
