package org.crosscheck.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class ToolsTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingToolFailsTheTestNamingTheInstallStep() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Tools.onPath(tmp.resolve("empty").toString(), "prometheus", "prometheus"));
        assertEquals("prometheus not found: run ./test, or apt-get install prometheus", e.getMessage());
    }

    @Test
    void theFirstNameOnThePathIsFound() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a")), b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(a.resolve("chromium"), "not executable");
        Path browser = Files.writeString(b.resolve("chromium-browser"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(browser, Tools.onPath(a + File.pathSeparator + b, "chromium", "chromium", "chromium-browser"));
    }
}
