package io.myelin.client;

import java.io.ByteArrayInputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.bus.Message;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.OutputRoomEvent;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.RoomsRequest;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.storage.Database;
import io.myelin.protocol.json.JsonSupport;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The index behind the user directory: joined members of every room, whether each room shows its members to
 * everyone, and each member's profile and search words, kept current from the roomserver's
 * {@code OutputRoomEvent} stream after a first fill from every room's current state.
 *
 * <p>A profile is the display name and avatar of the newest join event handled for the user, in whichever room:
 * local joins carry the global profile, and the users component sends a new join event to every room when a
 * profile changes. A first join into a room that names no display name or avatar (a remote user's, say) keeps
 * those already known. Words are what the search
 * matches by prefix: the parts of the user id and of the display name between non-alphanumeric characters, in
 * lower case without accents, and the whole localpart.
 */
final class UserDirectory {

    /** The bus's durable consumer name for this index. */
    static final String DURABLE = "client_user_directory";

    private static final System.Logger LOG = System.getLogger(UserDirectory.class.getName());
    private static final int MAX_WORD_LENGTH = 100;
    private static final int ROOMS_PAGE = 500;
    private static final Set<String> INDEXED_TYPES = Set.of("m.room.member", "m.room.join_rules",
            "m.room.history_visibility");

    private static final String UPSERT_USER = "INSERT INTO client_user_directory (user_id, display_name, avatar_url)"
            + " VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name,"
            + " avatar_url = excluded.avatar_url";
    private static final String UPSERT_USER_KEEPING = "INSERT INTO client_user_directory"
            + " (user_id, display_name, avatar_url) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            + " display_name = COALESCE(excluded.display_name, client_user_directory.display_name),"
            + " avatar_url = COALESCE(excluded.avatar_url, client_user_directory.avatar_url)";
    private static final String SELECT_NAME = "SELECT display_name FROM client_user_directory WHERE user_id = ?";
    private static final String SELECT_MEMBER =
            "SELECT user_id FROM client_user_directory_members WHERE room_id = ? AND user_id = ?";
    private static final String DELETE_WORDS = "DELETE FROM client_user_directory_words WHERE user_id = ?";
    private static final String INSERT_WORD =
            "INSERT INTO client_user_directory_words (word, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String INSERT_MEMBER =
            "INSERT INTO client_user_directory_members (room_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String DELETE_MEMBER =
            "DELETE FROM client_user_directory_members WHERE room_id = ? AND user_id = ?";
    private static final String INSERT_ROOM =
            "INSERT INTO client_user_directory_rooms (room_id) VALUES (?) ON CONFLICT DO NOTHING";
    private static final String SET_PUBLIC_JOIN =
            "UPDATE client_user_directory_rooms SET public_join = ? WHERE room_id = ?";
    private static final String SELECT_READY = "SELECT ready FROM client_user_directory_ready";
    private static final String INSERT_READY =
            "INSERT INTO client_user_directory_ready (ready) VALUES (1) ON CONFLICT DO NOTHING";
    private static final String SET_WORLD_READABLE =
            "UPDATE client_user_directory_rooms SET world_readable = ? WHERE room_id = ?";

    // A user is found when every term is a prefix of one of their words, and they share a room with the searcher
    // or are joined to a room that shows its members to everyone. Room mates come first.
    private static final String SEARCH_HEAD = "SELECT found.user_id, found.display_name, found.avatar_url FROM"
            + " (SELECT d.user_id, d.display_name, d.avatar_url, CASE WHEN EXISTS (SELECT 1"
            + " FROM client_user_directory_members m JOIN client_user_directory_members mine"
            + " ON mine.room_id = m.room_id WHERE m.user_id = d.user_id AND mine.user_id = ?) THEN 0 ELSE 1 END"
            + " AS distance FROM client_user_directory d WHERE 1 = 1";
    private static final String SEARCH_TERM = " AND d.user_id IN (SELECT w.user_id FROM client_user_directory_words w"
            + " WHERE w.word >= ? AND w.word < ?)";
    private static final String SEARCH_TAIL = ") found WHERE found.distance = 0"
            + " OR EXISTS (SELECT 1 FROM client_user_directory_members m"
            + " JOIN client_user_directory_rooms r ON r.room_id = m.room_id"
            + " WHERE m.user_id = found.user_id AND (r.public_join = 1 OR r.world_readable = 1))"
            + " ORDER BY found.distance, CASE WHEN found.display_name IS NULL THEN 1 ELSE 0 END,"
            + " CASE WHEN found.avatar_url IS NULL THEN 1 ELSE 0 END, found.user_id LIMIT ?";

    /** A user the search found. */
    record Found(String userId, String displayName, String avatarUrl) {
    }

    private final Database db;
    private final RoomserverApi roomserver;

    UserDirectory(Database db, RoomserverApi roomserver) {
        this.db = db;
        this.roomserver = roomserver;
    }

    /**
     * Fills the index from the current state of every room the roomserver knows, the first time the index is
     * started; later starts find it ready and do nothing. Called before the index subscribes to the stream, while
     * no input reaches the roomserver yet, so that no change falls between the two.
     */
    void buildOnce() {
        if (db.client().execute().get(SELECT_READY).isPresent()) {
            return;
        }
        int rooms = 0;
        String after = null;
        while (true) {
            List<String> page = roomserver.rooms(new RoomsRequest(after, ROOMS_PAGE)).roomIds();
            for (String roomId : page) {
                List<JsonObject> state = roomserver.state(StateRequest.current(roomId)).events().stream()
                        .map(RoomEvent::json).filter(e -> INDEXED_TYPES.contains(e.getString("type", ""))).toList();
                db.write(tx -> {
                    tx.insert(INSERT_ROOM, roomId);
                    state.forEach(event -> apply(tx, roomId, event));
                    return null;
                });
            }
            rooms += page.size();
            if (page.size() < ROOMS_PAGE) {
                break;
            }
            after = page.getLast();
        }
        db.write(tx -> tx.insert(INSERT_READY));
        LOG.log(System.Logger.Level.INFO, "client: user directory built from the current state of {0} rooms",
                rooms);
    }

    /**
     * Applies one {@code OutputRoomEvent} record: each state event that entered the room's current state and
     * is a membership, join rule or history visibility updates the index. The acknowledgement commits with
     * the changes.
     */
    void handle(Message message) {
        JsonObject output;
        try (var reader = JsonSupport.provider().createReader(new ByteArrayInputStream(message.payload()))) {
            output = reader.readObject();
        }
        if (!OutputRoomEvent.NEW_ROOM_EVENT.equals(output.getString("type", ""))
                || !(output.get("addsStateEventIds") instanceof JsonArray adds) || adds.isEmpty()) {
            message.ack();
            return;
        }
        String roomId = output.getString("roomId");
        List<JsonObject> added = new ArrayList<>();
        for (JsonValue id : adds) {
            if (id instanceof JsonString s) {
                RoomEvent event = roomserver.event(new EventRequest(s.getString())).event();
                if (event != null) {
                    added.add(event.json());
                }
            }
        }
        db.write(tx -> {
            tx.insert(INSERT_ROOM, roomId);
            for (JsonObject event : added) {
                apply(tx, roomId, event);
            }
            message.ack();
            return null;
        });
    }

    private static void apply(DbExecute tx, String roomId, JsonObject event) {
        JsonObject content = event.getJsonObject("content");
        if (content == null) {
            return;
        }
        switch (event.getString("type", "")) {
            case "m.room.member" -> {
                String userId = event.getString("state_key", "");
                if ("join".equals(content.getString("membership", ""))) {
                    // A join over a join is a profile change and says the whole profile; a first join may carry
                    // none, and then keeps what another room said.
                    boolean profileChange = tx.get(SELECT_MEMBER, roomId, userId).isPresent();
                    tx.insert(INSERT_MEMBER, roomId, userId);
                    String name = content.get("displayname") instanceof JsonString s ? s.getString() : null;
                    String avatar = content.get("avatar_url") instanceof JsonString s ? s.getString() : null;
                    tx.insert(profileChange ? UPSERT_USER : UPSERT_USER_KEEPING, userId, name, avatar);
                    String kept = tx.get(SELECT_NAME, userId).flatMap(r -> Optional.ofNullable(
                            r.column("display_name").getString())).orElse(null);
                    tx.delete(DELETE_WORDS, userId);
                    for (String word : words(userId, kept)) {
                        tx.insert(INSERT_WORD, word, userId);
                    }
                } else {
                    tx.delete(DELETE_MEMBER, roomId, userId);
                }
            }
            case "m.room.join_rules" -> tx.update(SET_PUBLIC_JOIN,
                    "public".equals(content.getString("join_rule", "")) ? 1 : 0, roomId);
            case "m.room.history_visibility" -> tx.update(SET_WORLD_READABLE,
                    Visibility.WORLD_READABLE.equals(content.getString("history_visibility", "")) ? 1 : 0, roomId);
            default -> {
            }
        }
    }

    /**
     * Finds the users whose words start with every term, among those the searcher may find.
     *
     * @param searcher the user searching
     * @param terms    the search terms, folded as {@link #fold} does, at least one
     * @param limit    how many to return at most
     * @return up to {@code limit} users: those who share a room with the searcher first, then those with a
     *         display name, then with an avatar, then by user id
     */
    List<Found> search(String searcher, List<String> terms, int limit) {
        StringBuilder sql = new StringBuilder(SEARCH_HEAD);
        List<Object> params = new ArrayList<>();
        params.add(searcher);
        for (String term : terms) {
            sql.append(SEARCH_TERM);
            params.add(term);
            params.add(upperBound(term));
        }
        sql.append(SEARCH_TAIL);
        params.add(limit);
        try (var rows = db.client().execute().query(sql.toString(), params.toArray())) {
            return rows.map(UserDirectory::found).toList();
        }
    }

    private static Found found(DbRow row) {
        return new Found(row.column("user_id").getString(), row.column("display_name").getString(),
                row.column("avatar_url").getString());
    }

    /** The words a user is found by. */
    static Set<String> words(String userId, String displayName) {
        Set<String> words = new LinkedHashSet<>();
        int colon = userId.indexOf(':');
        if (userId.startsWith("@") && colon > 1) {
            words.add(fold(userId.substring(1, colon)));
        }
        words.addAll(split(userId));
        if (displayName != null) {
            words.addAll(split(displayName));
        }
        words.removeIf(w -> w.isEmpty() || w.length() > MAX_WORD_LENGTH);
        return words;
    }

    /** Splits text into folded words at every character that is neither a letter nor a digit. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        String folded = fold(text);
        for (int i = 0; i < folded.length(); ) {
            int c = folded.codePointAt(i);
            if (Character.isLetterOrDigit(c)) {
                word.appendCodePoint(c);
            } else if (!word.isEmpty()) {
                out.add(word.toString());
                word.setLength(0);
            }
            i += Character.charCount(c);
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }

    /** Lower case without accents, so that "Zoë" is found by "zoe". */
    static String fold(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD);
        return decomposed.replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
    }

    // The least string greater than every string that starts with the prefix, in code point order, which is how
    // SQLite and PostgreSQL's C collation compare: the prefix with its last code point plus one.
    static String upperBound(String prefix) {
        int last = prefix.codePointBefore(prefix.length());
        int next = last + 1;
        if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
            next = Character.MAX_SURROGATE + 1;
        }
        return prefix.substring(0, prefix.length() - Character.charCount(last)) + Character.toString(next);
    }
}
