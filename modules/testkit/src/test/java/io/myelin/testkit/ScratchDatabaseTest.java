package io.myelin.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScratchDatabaseTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            jdbc:postgresql://h:5432/postgres?user=postgres   | jdbc:postgresql://h:5432/myelin_x?user=postgres
            jdbc:postgresql://h:5432                          | jdbc:postgresql://h:5432/myelin_x
            jdbc:postgresql://h/?ssl=true                     | jdbc:postgresql://h/myelin_x?ssl=true
            jdbc:postgresql://h/postgres?sslrootcert=/ca.pem  | jdbc:postgresql://h/myelin_x?sslrootcert=/ca.pem
            """)
    void withDatabaseNamesTheDatabaseAndKeepsServerAndParameters(String admin, String expected) {
        assertEquals(expected, ScratchDatabase.withDatabase(admin, "myelin_x"));
    }
}
