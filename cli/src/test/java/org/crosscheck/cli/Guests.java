package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.crosscheck.runtime.vm.VmArch;
import org.crosscheck.runtime.vm.VmCache;

/** The Debian 6.1 guests the VM ITs boot, prepared with {@code crosscheck vm prepare} when this machine has none current. */
final class Guests {
    private Guests() {}

    static void prepared(VmArch... archs) {
        assumeTrue("root".equals(System.getProperty("user.name")), "vm prepare needs root (apt-get)");
        for (VmArch a : archs) {
            if (VmCache.find(a, "6.1").filter(VmCache.Prepared::current).isPresent()) continue;
            Cli c = Cli.run("vm", "prepare", "--arch", a.debian, "--version", "6.1");
            assertEquals(0, c.exit(), c.out() + c.err());
        }
    }
}
