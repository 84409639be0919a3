package io.myelin.protocol.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;

/**
 * Generates room histories that fork: a shared prefix, then several branches (some forked from other
 * branches), each a random walk of joins, leaves, kicks, bans, power level, join rule and topic changes
 * that pass auth on their own branch.
 */
public final class RandomRoom {

    private static final List<String> USERS = List.of(Room.ALICE, Room.BOB, Room.CAROL, Room.DAVE, Room.EVE,
            "@frank:example.org", "@grace:other.org");

    private final Random random;
    private final RoomVersion version;

    private RandomRoom(RoomVersion version, long seed) {
        this.version = version;
        this.random = new Random(seed);
    }

    /**
     * A forked room.
     *
     * @param version the room version
     * @param seed the random seed
     * @param branches how many branches to end with (at least one)
     * @return the branches, sharing one event map
     */
    public static List<Room> generate(RoomVersion version, long seed, int branches) {
        return new RandomRoom(version, seed).branches(branches);
    }

    private List<Room> branches(int count) {
        Room base = Room.standard(version);
        walk(base, 8 + random.nextInt(15));
        List<Room> result = new ArrayList<>();
        result.add(base);
        while (result.size() < count) {
            Room parent = result.get(random.nextInt(result.size()));
            Room child = parent.fork();
            walk(parent, 1 + random.nextInt(6));
            result.add(child);
        }
        for (Room branch : result) {
            walk(branch, 2 + random.nextInt(12));
        }
        return result;
    }

    private void walk(Room room, int steps) {
        int added = 0;
        for (int attempt = 0; attempt < steps * 20 && added < steps; attempt++) {
            EventView event = propose(room);
            if (room.check(event).allowed()) {
                room.store((TestEvent) event);
                added++;
            }
        }
    }

    private EventView propose(Room room) {
        String sender = pick(USERS);
        String target = pick(USERS);
        return switch (random.nextInt(9)) {
            case 0, 1 -> room.build(sender, "m.room.member", sender, "{'membership':'join'}");
            case 2 -> room.build(sender, "m.room.member", sender, "{'membership':'leave'}");
            case 3 -> room.build(sender, "m.room.member", target,
                    "{'membership':'" + pick(List.of("leave", "ban", "invite")) + "'}");
            case 4 -> room.build(sender, "m.room.power_levels", "", powerLevels(room));
            case 5 -> room.build(sender, "m.room.join_rules", "",
                    "{'join_rule':'" + pick(List.of("public", "invite", "public")) + "'}");
            case 6 -> room.build(sender, "m.room.topic", "", "{'topic':'t" + random.nextInt(1000) + "'}");
            case 7 -> room.build(sender, "m.room.name", "", "{'name':'n" + random.nextInt(1000) + "'}");
            default -> room.build(sender, "m.room.message", null, "{'body':'hello'}");
        };
    }

    private String powerLevels(Room room) {
        StringBuilder users = new StringBuilder();
        for (String user : USERS) {
            if (version.v12Rules() && user.equals(Room.ALICE)) {
                continue;
            }
            int level = user.equals(Room.ALICE) ? 100 : pick(List.of(0, 0, 50, 100));
            if (level > 0) {
                users.append(users.isEmpty() ? "" : ",").append("'").append(user).append("':").append(level);
            }
        }
        return "{'users':{" + users + "},'state_default':" + pick(List.of(0, 50)) + ",'ban':50,'kick':50}";
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /**
     * The states of branches.
     *
     * @param branches the branches
     * @return their current states
     */
    public static List<Map<StateKey, String>> states(List<Room> branches) {
        return branches.stream().map(Room::state).toList();
    }
}
