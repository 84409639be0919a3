package io.myelin.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.myelin.protocol.RoomVersion;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every authorization rule, allowed and rejected, in every room version it applies to: one container per
 * room version, one test per table row.
 */
class AuthRulesTableTest {

    private static List<AuthCase> table() {
        List<AuthCase> all = new ArrayList<>();
        all.addAll(MembershipCases.cases());
        all.addAll(PowerLevelCases.cases());
        all.addAll(OtherCases.cases());
        return all;
    }

    @TestFactory
    Stream<DynamicContainer> authRulesPerRoomVersion() {
        List<AuthCase> table = table();
        return Arrays.stream(RoomVersion.values()).map(version -> DynamicContainer.dynamicContainer(
                "room version " + version.id(),
                table.stream().filter(c -> c.versions().test(version))
                        .map(c -> DynamicTest.dynamicTest(c.name(), () -> run(version, c)))));
    }

    @Test
    void everyRoomVersionHasRowsThatAllowAndRowsThatReject() {
        List<AuthCase> table = table();
        for (RoomVersion version : RoomVersion.values()) {
            long applicable = table.stream().filter(c -> c.versions().test(version)).count();
            long rejecting = table.stream().filter(c -> c.versions().test(version) && c.expectedRule() != null)
                    .count();
            assertTrue(applicable > 60 && rejecting > 30 && applicable - rejecting > 20,
                    "version " + version.id() + ": " + applicable + " rows, " + rejecting + " rejecting");
        }
    }

    private static void run(RoomVersion version, AuthCase row) {
        AuthCase.Check check = row.scenario().apply(version);
        AuthResult result = check.room().check(check.event(), row.verifier());
        if (row.expectedRule() == null) {
            assertTrue(result.allowed(), () -> "expected allowed, got " + result + " for " + check.event());
        } else {
            AuthResult.Rejected rejected = assertInstanceOf(AuthResult.Rejected.class, result,
                    () -> "expected rejection by " + row.expectedRule() + " for " + check.event());
            assertEquals(row.expectedRule(), rejected.rule(), rejected::reason);
        }
    }
}
