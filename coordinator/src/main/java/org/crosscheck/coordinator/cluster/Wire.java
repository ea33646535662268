package org.crosscheck.coordinator.cluster;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crosscheck.coordinator.campaign.CaseRunner;
import org.crosscheck.coordinator.campaign.Tally;
import org.crosscheck.coordinator.campaign.LitmusCaseRunner;
import org.crosscheck.memmodel.LitmusGenerator;
import org.crosscheck.coordinator.csmith.Csmith;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.isa.elf.BpfCompiler;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.Capabilities;
import org.crosscheck.isa.Program;
import org.crosscheck.proto.BatchResult;
import org.crosscheck.proto.FindingReport;
import org.crosscheck.proto.GeneratorConfig;
import org.crosscheck.proto.ProgramCase;
import org.crosscheck.runtime.Outcome;

/** Conversions between the campaign's types and the protobuf messages of {@code proto/}: written once, used by both ends. */
public final class Wire {
    private Wire() {}

    /** Bumped whenever a node of the previous version would misread a message; registration refuses another version. */
    public static final int PROTOCOL_VERSION = 2;

    public static GeneratorConfig generator(Generator.Config c) {
        GeneratorConfig.Builder b = GeneratorConfig.newBuilder().setCpu(c.cpu().toString()).setMaxUnits(c.maxUnits())
                .setGeneratorVersion(Generator.VERSION).setLoops(c.capabilities().loops()).setMissingExit(c.missingExit())
                .setScalarPlusPointer(c.capabilities().scalarPlusPointer())
                .setProfile(c.profile().name().toLowerCase(java.util.Locale.ROOT));
        for (Group g : c.groups()) b.addGroups(g.id());
        for (Op op : c.capabilities().unsupportedOps()) b.addExcludedOps(op.name());
        return b.build();
    }

    public static Generator.Config generator(GeneratorConfig c) {
        Set<Group> groups = EnumSet.noneOf(Group.class);
        for (String g : c.getGroupsList()) groups.add(Group.parse(g));
        Set<Op> excluded = EnumSet.noneOf(Op.class);
        for (String op : c.getExcludedOpsList()) excluded.add(Op.valueOf(op));
        return new Generator.Config(new Capabilities(groups, excluded, c.getLoops(), c.getScalarPlusPointer()), CpuVersion.parse(c.getCpu()),
                c.getMaxUnits(), c.getMissingExit(), c.getProfile().isEmpty() ? Generator.Profile.DEFAULT : Generator.Profile.parse(c.getProfile()));
    }

    public static org.crosscheck.proto.LitmusSpec litmus(LitmusCaseRunner.Options o) {
        org.crosscheck.proto.LitmusSpec.Builder b = org.crosscheck.proto.LitmusSpec.newBuilder().setMinThreads(o.generator().minThreads())
                .setMaxThreads(o.generator().maxThreads()).setMaxCycle(o.generator().maxCycle()).setIterations(o.iterations());
        for (Group g : o.generator().groups()) b.addGroups(g.id());
        return b.build();
    }

    public static LitmusCaseRunner.Options litmus(org.crosscheck.proto.LitmusSpec s) {
        Set<Group> groups = EnumSet.noneOf(Group.class);
        for (String g : s.getGroupsList()) groups.add(Group.parse(g));
        return new LitmusCaseRunner.Options(new LitmusGenerator.Config(groups, s.getMinThreads(), s.getMaxThreads(), s.getMaxCycle()),
                s.getIterations());
    }

    public static org.crosscheck.proto.CsmithSpec csmith(Csmith.Options o) {
        org.crosscheck.proto.CsmithSpec.Builder b = org.crosscheck.proto.CsmithSpec.newBuilder().addAllOpts(o.opts()).setCpu(o.cpu().toString())
                .setBudget(o.budget()).setNativeMillis(o.nativeMillis());
        for (BpfCompiler c : o.compilers()) b.addCompilers(c.id());
        return b.build();
    }

    public static Csmith.Options csmith(org.crosscheck.proto.CsmithSpec s) {
        return new Csmith.Options(s.getCompilersList().stream().map(BpfCompiler::parse).toList(), List.copyOf(s.getOptsList()),
                CpuVersion.parse(s.getCpu()), s.getBudget(), s.getNativeMillis());
    }

    public static ProgramCase program(Program p, byte[] memory) {
        return ProgramCase.newBuilder().setProgram(ByteString.copyFrom(p.encode())).setMemory(ByteString.copyFrom(memory)).build();
    }

    public static Program program(ProgramCase c) {
        return program(c.getProgram());
    }

    static Program program(ByteString encoded) {
        try {
            return Program.decode(encoded.toByteArray());
        } catch (DecodeException e) {
            throw new IllegalArgumentException("undecodable program in a message: " + e.getMessage(), e);
        }
    }

    public static List<ProgramCase> corpus(Corpus corpus) {
        List<ProgramCase> out = new ArrayList<>();
        for (Corpus.Entry e : corpus.entries()) out.add(program(e.program(), e.memory()).toBuilder().setSource(e.source()).build());
        return out;
    }

    /**
     * The corpus a worker receives. Each entry keeps its own source: a mutant's origin names the entry
     * whose known divergences it inherits, so entries must not share one (they all did, and mutants of one
     * reproducer were checked against another's, then minimized again in every batch).
     */
    public static Corpus corpus(List<ProgramCase> cases) {
        List<Corpus.Entry> out = new ArrayList<>();
        for (ProgramCase c : cases) {
            String source = c.getSource().isEmpty() ? "corpus entry " + out.size() : c.getSource();
            out.add(new Corpus.Entry(program(c), c.getMemory().toByteArray(), source));
        }
        return Corpus.of(out);
    }

    public static org.crosscheck.proto.Outcome outcome(Outcome o) {
        return org.crosscheck.runtime.OutcomeMessages.toMessage(o);
    }

    public static Outcome outcome(org.crosscheck.proto.Outcome o) {
        return org.crosscheck.runtime.OutcomeMessages.fromMessage(o);
    }


    public static FindingReport report(FindingStore.Report r) {
        FindingReport.Builder b = FindingReport.newBuilder().setTitle(r.title()).setKind(r.kind()).addAllRuntimes(r.runtimes())
                .setReference(r.reference()).setGroup(r.group()).setCaseId(r.caseId()).setSeed(r.seed()).setIndex(r.index())
                .setGeneratorVersion(r.generatorVersion()).setMinimized(r.minimized())
                .setBare(r.bare() == null ? "" : r.bare()).setReleases(r.releases() == null ? "" : r.releases())
                .setClaim(r.claim() == null ? "" : r.claim()).putAllFiles(r.files());
        if (r.isLitmus()) return b.setLitmusTest(r.litmusTest()).setLitmusReport(r.litmusReport()).build();
        b.setOriginal(program(r.original(), r.originalMemory())).setRepro(program(r.repro(), r.reproMemory()));
        r.reproOutcomes().forEach((rt, o) -> b.putReproOutcomes(rt, outcome(o)));
        return b.build();
    }

    public static FindingStore.Report report(FindingReport r) {
        if (!r.getLitmusTest().isEmpty())
            return FindingStore.Report.litmus(r.getTitle(), r.getKind(), List.copyOf(r.getRuntimesList()), r.getGroup(), r.getCaseId(),
                    r.getSeed(), r.getIndex(), r.getGeneratorVersion(), r.getLitmusTest(), r.getLitmusReport());
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        r.getReproOutcomesMap().forEach((rt, o) -> outcomes.put(rt, outcome(o)));
        return new FindingStore.Report(r.getTitle(), r.getKind(), List.copyOf(r.getRuntimesList()), r.getReference(), r.getGroup(),
                program(r.getOriginal()), r.getOriginal().getMemory().toByteArray(), program(r.getRepro()),
                r.getRepro().getMemory().toByteArray(), outcomes, r.getCaseId(), r.getSeed(), r.getIndex(), r.getGeneratorVersion(),
                r.getMinimized(), r.getBare(), r.getReleases()).withClaim(r.getClaim()).withFiles(r.getFilesMap());
    }

    /** The result of a batch part as a worker sends it. */
    public static BatchResult result(String workerId, long start, long end, List<String> runtimes, Tally t) {
        BatchResult.Builder b = BatchResult.newBuilder().setWorkerId(workerId).setBatchId(start).setEnd(end).addAllRuntimes(runtimes)
                .setPrograms(t.programs()).putAllExecuted(t.executed()).putAllDivergences(t.divergences()).putAllDeviations(t.deviations())
                .putAllVerifierRuns(t.verifierRuns()).putAllVerifierAccepts(t.verifierAccepts())
                .putAllLitmusObservations(t.litmusObservations()).putAllLitmusIterations(t.litmusIterations()).putAllOracle(t.oracle()).putAllFalseRejections(t.falseRejections()).putAllGuests(t.guests())
                .setExecutions(t.executions()).setPaths(t.paths()).setMultiPathPrograms(t.multiPathPrograms()).putAllCsmith(t.csmith());
        for (FindingStore.Report r : t.findings()) b.addFindings(report(r));
        if (t.pathInputs() != null) {
            Tally.PathInputs k = t.pathInputs();
            org.crosscheck.proto.PathInputs.Builder p = org.crosscheck.proto.PathInputs.newBuilder()
                    .setProgram(ByteString.copyFrom(k.program().encode())).setIndex(k.index());
            for (Tally.Input in : k.inputs()) {
                p.addInputs(org.crosscheck.proto.PathInputs.Input.newBuilder().setMemory(ByteString.copyFrom(in.memory()))
                        .setReturned(in.r0() != null).setR0(in.r0() == null ? 0 : in.r0()));
            }
            b.setPathInputs(p);
        }
        return b.build();
    }

    public static Tally tally(BatchResult r) {
        Tally t = new Tally();
        t.countPrograms(r.getPrograms());
        t.countInputs(r.getExecutions(), r.getPaths(), r.getMultiPathPrograms());
        r.getExecutedMap().forEach(t::countExecuted);
        r.getDivergencesMap().forEach(t::countDivergences);
        r.getDeviationsMap().forEach(t::countDeviations);
        r.getVerifierRunsMap().forEach((k, n) -> t.countVerdicts(k, n, 0));
        r.getVerifierAcceptsMap().forEach((k, n) -> t.countVerdicts(k, 0, n));
        r.getLitmusObservationsMap().forEach(t::countLitmusTests);
        r.getLitmusIterationsMap().forEach(t::countLitmusIterations);
        r.getOracleMap().forEach(t::countOracle);
        r.getFalseRejectionsMap().forEach(t::countFalseRejection);
        r.getGuestsMap().forEach(t::countGuests);
        r.getCsmithMap().forEach(t::countCsmith);
        for (FindingReport f : r.getFindingsList()) t.addFinding(report(f));
        if (r.hasPathInputs()) {
            org.crosscheck.proto.PathInputs k = r.getPathInputs();
            List<Tally.Input> in = new java.util.ArrayList<>();
            for (org.crosscheck.proto.PathInputs.Input i : k.getInputsList())
                in.add(new Tally.Input(i.getMemory().toByteArray(), i.getReturned() ? i.getR0() : null));
            t.offerPathInputs(new Tally.PathInputs(program(k.getProgram()), in, k.getIndex()));
        }
        return t;
    }
}
