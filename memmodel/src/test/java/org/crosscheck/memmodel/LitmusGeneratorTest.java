package org.crosscheck.memmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.crosscheck.isa.Group;
import org.crosscheck.memmodel.Cycle.Access;
import org.crosscheck.memmodel.Cycle.Edge;
import org.crosscheck.memmodel.Cycle.Kind;
import org.crosscheck.memmodel.Litmus.*;
import org.crosscheck.memmodel.LitmusGenerator.Config;
import org.crosscheck.memmodel.LitmusGenerator.Generated;
import org.crosscheck.memmodel.Result.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LitmusGeneratorTest {
    static final Config ALL = Config.defaults();

    static Litmus build(String cycle) {
        return LitmusGenerator.build(Cycle.parse(cycle));
    }

    static Verdict verdict(Litmus t) {
        return Checker.check(t).verdict();
    }

    @Test
    void sameSeedAndIndexGiveTheSameTestAndIndicesDiffer() {
        LitmusGenerator g = new LitmusGenerator(ALL), again = new LitmusGenerator(Config.defaults());
        Set<String> texts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Generated a = g.generate(11, i), b = again.generate(11, i);
            assertEquals(a, b, "index " + i);
            texts.add(LitmusPrinter.format(a.test()));
        }
        assertTrue(texts.size() >= 190, "only " + texts.size() + " distinct tests in 200");
        Set<String> across = new HashSet<>();
        for (long seed = 1; seed <= 20; seed++) for (int i = 0; i < 10; i++) across.add(LitmusPrinter.format(g.generate(seed, i).test()));
        assertTrue(across.size() >= 190, "seeds 1..20 share tests: only " + across.size() + " distinct in 200");
    }

    /** The instruction forms a test uses, e.g. "load_acquire u64", "fetch and u32", "lock xor u64", "cmpxchg u32", "if". */
    static Set<String> forms(Litmus t) {
        Set<String> forms = new TreeSet<>();
        for (Litmus.Thread th : t.threads()) {
            for (Instr i : th.code()) {
                forms.add(switch (i) {
                    case Load l -> (l.acquire() ? "load_acquire " : "load ") + l.width();
                    case Store s -> (s.release() ? "store_release " : "store ") + s.width();
                    case Fetch f -> "fetch " + f.op().name + " " + f.width();
                    case Lock l -> "lock " + l.op().name + " " + l.width();
                    case CmpXchg c -> "cmpxchg " + c.width();
                    case If f -> "if";
                    case Alu a -> "alu";
                    case Label l -> "label";
                    case Goto g -> "goto";
                });
            }
        }
        return forms;
    }

    /** What a run of generated tests used and how they were judged. */
    record Coverage(Map<Verdict, Integer> verdicts, Set<String> forms, Set<Kind> kinds, Set<Edge> edges, Set<String> families) {
        int count(Verdict v) {
            return verdicts.getOrDefault(v, 0);
        }
    }

    /** Generates and checks count tests, asserting that each prints and parses back to an equal test. */
    static Coverage campaign(Config config, long seed, int count) {
        LitmusGenerator g = new LitmusGenerator(config);
        Coverage c = new Coverage(new TreeMap<>(), new TreeSet<>(), EnumSet.noneOf(Kind.class), EnumSet.noneOf(Edge.class), new TreeSet<>());
        for (int i = 0; i < count; i++) {
            Generated gen = g.generate(seed, i);
            Litmus t = gen.test();
            Litmus back = LitmusParser.parse(t.source(), LitmusPrinter.format(t));
            assertEquals(t, back, "round trip of " + t.name() + ":\n" + LitmusPrinter.format(t));
            assertEquals(gen.cycle(), Cycle.parse(gen.cycle().toString()), "cycle text round trip");
            assertTrue(t.name().startsWith(gen.family()), t.name());
            c.verdicts().merge(verdict(t), 1, Integer::sum);
            c.forms().addAll(forms(t));
            for (Access a : gen.cycle().accesses()) c.kinds().add(a.kind());
            c.edges().addAll(gen.cycle().edges());
            c.families().add(gen.family());
        }
        return c;
    }

    @Test
    void twoThousandTestsRoundTripAreJudgedAndCoverEveryKind() {
        Coverage c = campaign(ALL, 1, 2000);
        System.out.println("LitmusGenerator, 2000 tests, default config: " + c.verdicts());
        int allowed = c.count(Verdict.ALLOWED), forbidden = c.count(Verdict.FORBIDDEN);
        assertEquals(2000, allowed + forbidden, "exists conditions are Allowed or Forbidden: " + c.verdicts());
        assertTrue(allowed >= 400 && forbidden >= 400, "both verdicts in reasonable proportions: " + c.verdicts());
        assertEquals(EnumSet.allOf(Kind.class), c.kinds());
        assertEquals(EnumSet.allOf(Edge.class), c.edges());
        Set<String> expected = new TreeSet<>(List.of("alu", "if", "label"));
        for (Width w : List.of(Width.U32, Width.U64)) {
            for (String f : List.of("load ", "store ", "load_acquire ", "store_release ", "cmpxchg ")) expected.add(f + w);
            for (RmwOp op : RmwOp.values()) {
                expected.add("fetch " + op.name + " " + w);
                if (op != RmwOp.XCHG) expected.add("lock " + op.name + " " + w);
            }
        }
        assertEquals(expected, c.forms());
        assertTrue(c.families().containsAll(LitmusGenerator.families(ALL)), "families never generated: " + missing(LitmusGenerator.families(ALL), c.families()));
    }

    static List<String> missing(List<String> wanted, Set<String> got) {
        List<String> m = new ArrayList<>(wanted);
        m.removeAll(got);
        return m;
    }

    @ParameterizedTest(name = "groups [{0}]")
    @CsvSource(delimiter = ';', value = {
        "'';         alu,if,label,load U32,load U64,store U32,store U64",
        "acqrel;     alu,if,label,load U32,load U64,load_acquire U32,load_acquire U64,store U32,store U64,store_release U32,store_release U64",
        "atomic32;   alu,cmpxchg U32,fetch add U32,fetch and U32,fetch or U32,fetch xchg U32,fetch xor U32,if,label,load U32,load U64,lock add U32,lock and U32,lock or U32,lock xor U32,store U32,store U64",
        "atomic64;   alu,cmpxchg U64,fetch add U64,fetch and U64,fetch or U64,fetch xchg U64,fetch xor U64,if,label,load U32,load U64,lock add U64,lock and U64,lock or U64,lock xor U64,store U32,store U64",
    })
    void groupsRestrictTheInstructions(String groups, String forms) {
        Config config = ALL.withGroups(Group.parseList(groups));
        Coverage c = campaign(config, 2, 400);
        assertEquals(new TreeSet<>(List.of(forms.split(","))), c.forms());
        assertTrue(c.count(Verdict.FORBIDDEN) > 0 && c.count(Verdict.ALLOWED) > 0, c.verdicts().toString());
        for (Edge e : List.of(Edge.ADDR, Edge.DATA, Edge.CTRL)) assertTrue(c.edges().contains(e), "dependency " + e + " with groups '" + groups + "'");
        assertEquals(config.groups().contains(Group.ATOMIC64), c.edges().contains(Edge.FENCE));
        assertEquals(config.groups().contains(Group.ATOMIC32), c.edges().contains(Edge.FENCE32));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = ';', value = {
        "W po R fre W po R fre;                         SB;                 Allowed",
        "W fetch R fre W fetch R fre;                   SB+fetchs;          Forbidden",
        "W po R fre W fetch R fre;                      SB+po+fetch;        Allowed",
        "W.fetchadd po R fre W.fetchadd po R fre;       SB+fetchadds;       Forbidden",
        "W po W rfe R po R fre;                         MP;                 Allowed",
        "W po W.rel rfe R.acq po R fre;                 MP+rel+acq;         Forbidden",
        "W po W.rel rfe R po R fre;                     MP+rel+po;          Allowed",
        "W fetch W rfe R addr R fre;                    MP+fetch+addr;      Forbidden",
        "W fetch W rfe R ctrl R fre;                    MP+fetch+ctrl;      Allowed",
        "R po W rfe R po W rfe;                         LB;                 Allowed",
        "R data W rfe R data W rfe;                     LB+datas;           Forbidden",
        "R data W rfe R ctrl W rfe;                     LB+data+ctrl;       Forbidden",
        "R.casfail po W rfe R.cas po W rfe;             LB+casfail+cas;     Allowed",
        "R.cas po W rfe R.cas po W rfe;                 LB+cass;            Forbidden",
        "W po W coe W po W coe;                         2+2W;               Allowed",
        "W.lockadd fetch W coe W fetch W.lockxor coe; 2+2W+lockadd-fetch+fetch-lockxor; Forbidden",
        "W po W rfe R data W coe;                       S+po+data;          Allowed",
        "W po W coe W po R fre;                         R;                  Allowed",
        "W rfe R po W rfe R po R fre;                   WRC;                Allowed",
        "W rfe R fetch W rfe R fetch R fre;             WRC+fetchs;         Forbidden",
        "W rfe R po R fre W rfe R po R fre;             IRIW;               Allowed",
        "W rfe R fetch R fre W rfe R fetch R fre;       IRIW+fetchs;        Forbidden",
    })
    void knownShapesGetTheirVerdicts(String cycle, String name, String verdict) {
        Litmus t = build(cycle);
        assertEquals(name, t.name());
        assertEquals(verdict, verdict(t).text, LitmusPrinter.format(t));
    }

    /** Generated tests of the same cycle as a test of ../shared/litmus/bpf get the verdict kinds.txt gives it. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = ';', value = {
        "W po W rfe R po R fre;                             MP+poonceonces",
        "R po W rfe R po W rfe;                             LB+poonceonces",
        "W fetch R fre W fetch R fre;                       SB+fencembonceonces",
        "W fetch W coe W fetch R fre;                       R+fencembonceonces",
        "W rfe R po W rfe R po R fre;                       WRC+poonceonces+Once",
        "W rfe R po R fre W rfe R po R fre;                 IRIW+poonceonces+OnceOnce",
        "R po W.rel rfe R.acq po W rfe;                     C-RW-r+RW-a-BPF",
        "W po W.rel coe W fetch32 W coe;                    2+2W+release+fence",
        "W po W.rel rfe R.acq po W rfe R.acq po R fre;      ISA2+release+acquire+acquire",
        "W fetch32 W coe W fetch32 W rfe R.acq po R fre;    Z6.3+fence+fence+acquire",
        "W fetch W rfe R addr R fre;                        S+fence+addr",
        "W po W.fetchadd rfe R data W coe;                  S+onceatomic+data",
    })
    void verdictsAgreeWithKindsOfTheSameShape(String cycle, String kindsName) throws IOException {
        String expected = KindsTest.kinds().get(kindsName);
        assertTrue(expected != null, kindsName + " is in kinds.txt");
        assertEquals(expected, verdict(build(cycle)).text, cycle + " is " + kindsName);
    }

    /**
     * Full barriers everywhere forbid every cycle, and with plain accesses and plain po every
     * cycle is allowed (but for coherence, when a thread comes back to a location): a condition
     * that also held in other executions, or in none, would break one or the other.
     */
    @Test
    void fencedCyclesAreForbiddenAndPlainOnesAllowed() {
        LitmusGenerator g = new LitmusGenerator(new Config(Config.MEMORY_GROUPS, 2, 4, 8));
        int plain = 0;
        for (int i = 0; i < 300; i++) {
            Cycle c = g.generate(3, i).cycle();
            List<Edge> fenced = new ArrayList<>(), po = new ArrayList<>();
            List<Access> plainAccesses = new ArrayList<>();
            int threadsWithPo = 0;
            for (int k = 0; k < c.edges().size(); k++) {
                Edge e = c.edges().get(k);
                fenced.add(e.communication() ? e : Edge.FENCE);
                po.add(e.communication() ? e : Edge.PO);
                if (!e.communication() && (k == 0 || c.edges().get(k - 1).communication())) threadsWithPo++;
            }
            for (Access a : c.accesses()) plainAccesses.add(new Access(a.dir(), Kind.PLAIN, a.width()));
            Litmus f = LitmusGenerator.build(new Cycle(c.accesses(), fenced));
            assertEquals(Verdict.FORBIDDEN, verdict(f), LitmusPrinter.format(f));
            if (threadsWithPo < 2) continue; // one thread does all po edges: it comes back to its first location
            Litmus p;
            try {
                p = LitmusGenerator.build(new Cycle(plainAccesses, po));
            } catch (IllegalArgumentException e) {
                continue; // three plain writes to a location: the final value alone cannot order them
            }
            plain++;
            assertEquals(Verdict.ALLOWED, verdict(p), LitmusPrinter.format(p));
        }
        assertTrue(plain > 150, "plain variants checked: " + plain);
    }

    @Test
    void conditionPinsReadsAndFinalValuesOfTheCycle() {
        Litmus t = build("W po W coe W po R fre");
        assertEquals("R", t.name());
        assertEquals("exists (1:r3=0 /\\ y=2)", LitmusPrinter.condition(t.condition()));
        Litmus rmw = build("R.fetchadd32 po W rfe R.xchg po W.cas32 rfe");
        assertEquals("LB+fetchadd32+xchg-cas32", rmw.name());
        assertEquals("exists (0:r2=1 /\\ 1:r2=1 /\\ 1:r4=0 /\\ x=2 /\\ y=2)", LitmusPrinter.condition(rmw.condition()));
        String text = LitmusPrinter.format(rmw);
        assertTrue(text.contains("r2 = atomic_fetch_add((u32 *)(r1 + 0), r2)"), text);
        assertTrue(text.contains("r0 = cmpxchg32_32(r3 + 0, r0, r4)"), text);
    }

    @Test
    void ambiguousCyclesAreRefusedWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build("W po W coe W coe W po R fre W coe"));
        assertTrue(e.getMessage().contains("coherence order of the writes to"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "R po R rfe W po R fre;          edge 2 (R rfe W): rfe goes from W to R",
        "W po R.rel fre W po R fre;      access 2 (R.rel): rel cannot be a read",
        "W po W.casfail coe W po R fre;  access 2 (W.casfail): casfail cannot be a write",
        "W data R fre W po R fre;        edge 1 (W data R): a dependency must start at an access that puts the value it read in a register (load, fetch atomic, xchg, cmpxchg)",
        "R data R fre W po R fre;        edge 1 (R data R): a data dependency must end at a write",
        "W po R fre W rfe R fre;         a cycle needs at least 2 program-order edges (each changes location), not 1",
        "W po W po W po W coe W po R fre; a thread has more than 3 accesses",
        "W po R fre W;                   cycle 'W po R fre W': expected accesses and edges alternating, e.g. 'W po R fre W po R fre'",
        "W po R.acquire fre W po R fre;  cycle: bad access 'R.acquire' (expected R or W, then .acq|rel|fetchadd|fetchor|fetchand|fetchxor|xchg|lockadd|lockor|lockand|lockxor|cas|casfail, then 32 or 64)",
        "W po R fr W po R fre;           cycle: unknown edge 'fr' (known: po, addr, data, ctrl, fetch, fetch32, rfe, fre, coe)",
    })
    void badCyclesAreOneLineErrors(String cycle, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Cycle.parse(cycle)).getMessage());
    }

    @Test
    void familiesFollowTheConfiguration() {
        List<String> two = LitmusGenerator.families(new Config(Config.MEMORY_GROUPS, 2, 2, 4));
        assertEquals(List.of("SB", "MP", "LB", "2+2W", "S", "R"), two);
        List<String> defaults = LitmusGenerator.families(ALL);
        assertTrue(defaults.containsAll(List.of("SB", "MP", "LB", "2+2W", "S", "R", "WRC", "RWC", "ISA2", "W+RWC", "Z6.3", "3.SB", "3.LB")), defaults.toString());
        assertFalse(defaults.contains("IRIW"));
        List<String> four = LitmusGenerator.families(new Config(Config.MEMORY_GROUPS, 4, 4, 8));
        assertEquals(List.of("IRIW", "IRRWIW", "IRWIW", "4.SB", "4.LB", "4.2W"), four);
    }

    @Test
    void fourThreadsGiveIriwLikeTests() {
        Config four = new Config(Config.MEMORY_GROUPS, 4, 4, 8);
        Set<String> families = campaign(four, 4, 200).families();
        assertTrue(families.containsAll(LitmusGenerator.families(four)), "families never generated: " + missing(LitmusGenerator.families(four), families));
    }

    @Test
    void badConfigurationsAreRefused() {
        assertEquals("group divmul32 has no memory-model accesses (choose among atomic32, atomic64, acqrel)",
                assertThrows(IllegalArgumentException.class, () -> ALL.withGroups(Set.of(Group.DIVMUL32))).getMessage());
        assertEquals("threads must be a range within 2..4, not 2..5",
                assertThrows(IllegalArgumentException.class, () -> new Config(Config.MEMORY_GROUPS, 2, 5, 8)).getMessage());
        assertEquals("a cycle over 3 threads has at least 5 edges; the maximum cycle length 4 is too small",
                assertThrows(IllegalArgumentException.class, () -> new Config(Config.MEMORY_GROUPS, 3, 3, 4)).getMessage());
    }
}
