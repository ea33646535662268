package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Out-of-range campaign options end in one line naming the option and what it accepts, exit code 2, before any work. */
class OptionValidationTest {
    @TempDir
    Path work;

    /** A campaign bounded by --programs 1 and --duration 2s (unless the option tested is one of them), with the given options. */
    Cli campaign(String command, String... options) {
        List<String> args = new ArrayList<>(List.of(command, "--runtimes", "interp,jit", "--workdir", work.toString()));
        List<String> given = List.of(options);
        if (!given.contains("--programs")) args.addAll(List.of("--programs", "1"));
        if (!given.contains("--duration")) args.addAll(List.of("--duration", "2s"));
        args.addAll(command.equals("campaign") ? List.of("--metrics", "off") : List.of("--http", "off", "--bind", "127.0.0.1:0"));
        args.addAll(given);
        return Cli.run(args.toArray(String[]::new));
    }

    static void refused(Cli c, String line) {
        assertEquals(2, c.exit(), c.out() + c.err());
        assertEquals("crosscheck: " + line + "\n", c.err());
    }

    /** --max-units was allocated whole (2000000000 ran out of heap); 0, -1 and 99999999999d were internal errors; -5s and -3 ran. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            campaign    | --max-units | 2000000000   | --max-units: expected 1 to 4096, got 2000000000
            campaign    | --max-units | 0            | --max-units: expected 1 to 4096, got 0
            campaign    | --max-units | -1           | --max-units: expected 1 to 4096, got -1
            coordinator | --max-units | 0            | --max-units: expected 1 to 4096, got 0
            campaign    | --duration  | 99999999999d | --duration: expected 1s to 36500d, got '99999999999d'
            campaign    | --duration  | -5s          | --duration: expected 1s to 36500d, got '-5s'
            campaign    | --duration  | 0s           | --duration: expected 1s to 36500d, got '0s'
            coordinator | --lease     | -5s          | --lease: expected 1s to 36500d, got '-5s'
            campaign    | --programs  | -3           | --programs: expected at least 0, got -3
            coordinator | --programs  | -3           | --programs: expected at least 0, got -3
            campaign    | --inputs    | 0            | --inputs: expected 1 to 1024, got 0
            coordinator | --inputs    | 5000         | --inputs: expected 1 to 1024, got 5000
            campaign    | --inputs    | many         | --inputs: expected a number of inputs (1 to 1024) or auto, got 'many'
            """)
    void outOfRangeValuesAreRefused(String command, String option, String value, String line) {
        refused(campaign(command, option, value), line);
    }

    @Test
    void aCorpusThatDoesNotExistIsRefused() {
        Path none = work.resolve("nonexistent");
        refused(campaign("campaign", "--corpus", none.toString()), "--corpus " + none + ": no such directory");
        refused(Cli.run("bench", "interp", "--generated", "--corpus", none.toString()), "--corpus " + none + ": no such directory");
    }

    @Test
    void benchMutantsNamesWhatItCannotHunt() {
        refused(Cli.run("bench", "mutants", "--mutants", "no-such"), "--mutants: no mutant 'no-such' (there are "
                + String.join(", ", org.crosscheck.runtime.mutant.Mutants.names()) + ")");
        refused(Cli.run("bench", "interp", "--mutants", "sdiv-overflow"), "--mutants is for bench mutants");
    }

    /** An unknown option printed the 49 lines of the command's usage: now the problem and a hint, on stderr, exit code 2. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            campaign --foo           | crosscheck campaign: unknown option '--foo'                | crosscheck campaign
            litmus run --foo x       | crosscheck litmus run: unknown option '--foo'              | crosscheck litmus run
            --foo                    | crosscheck: unknown option '--foo'                         | crosscheck
            frobnicate               | crosscheck: unknown command 'frobnicate'                   | crosscheck
            asm a.s b.s              | crosscheck asm: unexpected argument 'b.s'                  | crosscheck asm
            run                      | crosscheck run: Missing required parameter: 'FILE'         | crosscheck run
            campaign --max-units abc | crosscheck campaign: Invalid value for option '--max-units': 'abc' is not an int | crosscheck campaign
            """)
    void aCommandLineThatDoesNotParseIsOneLineAndAHint(String args, String line, String command) {
        Cli c = Cli.run(args.split(" "));
        assertEquals(2, c.exit(), c.err());
        assertEquals(line + "\ntry '" + command + " --help'\n", c.err());
        assertEquals("", c.out());
    }
}
