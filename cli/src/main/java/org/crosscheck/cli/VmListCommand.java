package org.crosscheck.cli;

import java.io.PrintWriter;
import java.util.List;
import org.crosscheck.runtime.vm.VmCache;
import picocli.CommandLine.Command;

@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = {"The prepared guests: ARCH-VERSION, the kernel release, the Debian package (and its version) and the directory."},
        footer = {"", "Example:", "  crosscheck vm list"})
final class VmListCommand extends CliCommand {
    @Override
    public Integer call() {
        PrintWriter out = out();
        List<VmCache.Prepared> l = VmCache.list();
        if (l.isEmpty()) {
            out.println("no guests prepared in " + VmCache.root() + " (crosscheck vm prepare --arch amd64 --version 6.1)");
            return 0;
        }
        for (VmCache.Prepared p : l) out.printf("%-12s %-28s %-54s %s%n", p.label(), p.release(), p.debianRelease(), p.dir());
        return 0;
    }
}
