package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.crosscheck.memmodel.Litmus;
import org.crosscheck.memmodel.LitmusException;
import org.crosscheck.memmodel.LitmusParser;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The .litmus files {@code litmus check} and {@code litmus run} take, and their one loop over them:
 * each test read and judged, one that cannot be read or judged reported on stderr and skipped.
 */
final class LitmusFiles {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = ".litmus files, or directories searched for them.")
    List<Path> paths;

    /** What a command does with a test read and judged. */
    interface Use<R> {
        void accept(Path file, Litmus test, R judged) throws IOException;
    }

    /**
     * Reads each test, judges it and hands both to {@code use}, in file order; a test that cannot be
     * read or judged gets its one line on the command's stderr (see {@link #unreadable}) and is
     * skipped. Returns how many were.
     */
    <R> int each(Function<Litmus, R> judge, Use<R> use) throws IOException {
        PrintWriter err = mixee.commandLine().getErr();
        int unreadable = 0;
        for (Path f : ConformanceCommand.collect(paths, ".litmus")) {
            Litmus test;
            R judged;
            try {
                test = LitmusParser.parse(f);
                judged = judge.apply(test);
            } catch (LitmusException e) {
                unreadable(err, f, e);
                unreadable++;
                continue;
            }
            use.accept(f, test, judged);
        }
        return unreadable;
    }

    /** The one line a litmus file that cannot be read or run gets: FILE:LINE: problem. */
    static void unreadable(PrintWriter err, Path f, LitmusException e) {
        err.println("crosscheck: " + org.crosscheck.isa.Printable.escape(f.toString()) + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.problem());
        err.flush();
    }
}
