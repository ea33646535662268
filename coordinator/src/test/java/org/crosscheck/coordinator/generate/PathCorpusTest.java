package org.crosscheck.coordinator.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.crosscheck.coordinator.campaign.Tally;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WORKDIR/corpus: one .data per kept input, read back by the next campaign's corpus, bounded and without repeats. */
class PathCorpusTest {
    private static Tally.PathInputs inputs(long index) {
        var c = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4)).generate(3, index);
        return new Tally.PathInputs(c.program(), List.of(new Tally.Input(new byte[] {0}, 1L), new Tally.Input(new byte[] {5}, null)), index);
    }

    @Test
    void keptInputsAreDataFilesTheNextCorpusReads(@TempDir Path workdir) throws Exception {
        PathCorpus pc = PathCorpus.open(workdir);
        Tally.PathInputs p = inputs(1);
        assertTrue(pc.keep(p));
        assertFalse(pc.keep(p), "a program is kept once");
        assertEquals(2, pc.keptInputs());
        List<Path> files;
        try (Stream<Path> s = Files.list(PathCorpus.dirOf(workdir))) {
            files = s.sorted().toList();
        }
        assertEquals(2, files.size());
        DataFile first = DataFile.read(files.get(0)), second = DataFile.read(files.get(1));
        assertEquals(p.program(), first.program().program());
        assertEquals(1L, first.expectedResult());
        assertEquals(null, second.expectedResult(), "no r0: the reference did not return");
        assertTrue(second.has("error"));
        Corpus next = Corpus.load(List.of(PathCorpus.dirOf(workdir)), Generator.Config.of(Group.rfc(), CpuVersion.V4), w -> {});
        assertEquals(2, next.size());
        assertEquals(1, PathCorpus.open(workdir).programs(), "a later run counts what is there");
        assertFalse(PathCorpus.open(workdir).keep(p), "and does not keep it again");
    }

    @Test
    void theCorpusStopsAtItsCap(@TempDir Path workdir) throws Exception {
        PathCorpus pc = PathCorpus.open(workdir);
        List<Boolean> kept = new ArrayList<>();
        for (long i = 0; kept.size() < PathCorpus.MAX_PROGRAMS + 5; i++) {
            Tally.PathInputs p = inputs(i);
            kept.add(pc.keep(p));
        }
        assertEquals(PathCorpus.MAX_PROGRAMS, kept.stream().filter(b -> b).count(), "distinct programs up to the cap");
        assertEquals(PathCorpus.MAX_PROGRAMS, pc.programs());
    }
}
