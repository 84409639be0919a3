package io.myelin.packaging;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tarball of the image: one top folder, executables still executable, the AOT cache inside. */
class TarballIT {

    static final Path TARBALL = Path.of(System.getProperty("myelin.tarball"));

    @Test
    void tarballHoldsTheImageUnderOneFolderWithItsFileModes() throws Exception {
        String listing = Shell.run(List.of("tar", "-tvzf", TARBALL.toString())).ok().output();
        String top = TARBALL.getFileName().toString().replace("-linux-x64.tar.gz", "/");

        for (String line : listing.lines().toList()) {
            assertTrue(line.contains(" " + top), "outside " + top + ": " + line);
        }
        for (String executable : List.of("bin/myelin", "bin/java", "lib/jspawnhelper")) {
            assertTrue(listing.matches("(?s).*-rwxr-xr-x [^\\n]* " + top + executable + "\\n.*"),
                       executable + " is not executable in the tarball");
        }
        assertTrue(listing.contains(" " + top + "lib/myelin.aot\n"), listing);
    }
}
