package org.crosscheck.coordinator.campaign;

import java.util.List;

/** What a worker's threads do with a batch part: program cases ({@link CaseRunner}) or litmus tests ({@link LitmusCaseRunner}). */
public interface BatchRunner {
    /** Runs cases [start, end) on the named runtimes (the reference among them) and returns what to send back. */
    Tally run(long start, long end, List<String> runtimes);
}
