package org.crosscheck.runtime.barrier;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.crosscheck.runtime.barrier.BarrierTable.Ordering;
import org.crosscheck.runtime.barrier.BarrierTable.Recipe;
import org.crosscheck.runtime.barrier.Objdump.Line;
import org.crosscheck.runtime.kernel.JitImage;

/**
 * The JIT barrier check: each {@link BarrierOp} is loaded alone in a tiny program on a kernel, its JIT's
 * image read back and disassembled with objdump, the op's own code found (what the image does not share
 * with the same program without the op: a longest common subsequence of the two listings, addresses
 * and immediates aside), and checked against the {@link BarrierTable}: some recipe of the ordering the
 * op requires on that architecture must appear in it, its instructions in order. A missing barrier is a
 * finding.
 */
public final class BarrierCheck {
    private BarrierCheck() {}

    public enum Verdict {
        /** A recipe of the required ordering is in the op's code. */
        OK,
        /** None is: a finding. */
        MISSING,
        /** The kernel's verifier does not know the instruction (load-acquire/store-release before Linux 6.15). */
        NOT_IN_KERNEL,
        /** The kernel runs the instruction without its JIT's code to look at (the JIT refuses it, or did not compile). */
        NOT_JITED,
        /** The table has no recipe of that ordering for the architecture. */
        NO_TABLE,
        /** The check itself could not be made (a failed load or call, objdump missing): the detail says why. */
        ERROR
    }

    /**
     * One op's verdict on one runtime.
     *
     * @param detail the recipe found (OK), the recipes looked for (MISSING), or why there was nothing to judge
     * @param code the op's own instructions (empty unless its image was judged)
     * @param context those instructions with up to two of the image's lines either side
     */
    public record Row(String runtime, BarrierOp op, Ordering required, Verdict verdict, String detail, List<Line> code, List<Line> context) {
        public boolean finding() {
            return verdict == Verdict.MISSING;
        }

        /** The finding's title, e.g. {@code barrier: vm:arm64-6.1:jit atomic fetch_add64 lacks full ordering (no LSE acquire+release, no LL/SC + dmb ish)}. */
        public String title() {
            return "barrier: " + runtime + " " + op.kind() + " " + op.id + " lacks " + required.noun + " (" + detail + ")";
        }
    }

    /** Checks {@code ops} on {@code source}'s JIT against {@code table}. */
    public static List<Row> check(JitImage.Source source, BarrierTable table, List<BarrierOp> ops) {
        return check(source, table, ops, (name, image) -> {});
    }

    /** The same; {@code seen} is given each image as it comes ("baseline", then each op's id). */
    public static List<Row> check(JitImage.Source source, BarrierTable table, List<BarrierOp> ops, BiConsumer<String, JitImage> seen) {
        byte[] memory = new byte[BarrierOp.MEMORY];
        JitImage base = source.jitImage(BarrierOp.baseline(), memory);
        seen.accept("baseline", base);
        List<Row> rows = new ArrayList<>();
        for (BarrierOp op : ops) {
            JitImage img = base.status() == JitImage.Status.JITED ? source.jitImage(op.program(), memory) : base;
            if (img != base) seen.accept(op.id, img);
            rows.add(judge(source.name(), source.arch(), op, img, base, table));
        }
        return rows;
    }

    /** The verdict on {@code op} from its image and the baseline's (both from one kernel). */
    public static Row judge(String runtime, String arch, BarrierOp op, JitImage image, JitImage baseline, BarrierTable table) {
        Ordering required = table.requirement(op).ordering();
        if (baseline.status() != JitImage.Status.JITED) {
            return row(runtime, op, required, notJudged(baseline, true));
        }
        if (image.status() != JitImage.Status.JITED) {
            String unknown = op.acquireRelease() ? unknownToVerifier(image) : null;
            return row(runtime, op, required, unknown != null ? new Outcome(Verdict.NOT_IN_KERNEL, "not in this kernel: the verifier says '" + unknown + "'")
                    : notJudged(image, false));
        }
        List<String> options = table.objdumpOptions(arch);
        if (options == null) return row(runtime, op, required, new Outcome(Verdict.NO_TABLE, "no 'objdump | " + arch + " | ...' row in " + table.source()));
        try {
            return judge(runtime, arch, op, Objdump.disassemble(image.code(), options), Objdump.disassemble(baseline.code(), options), table);
        } catch (Objdump.ObjdumpException e) {
            return row(runtime, op, required, new Outcome(Verdict.ERROR, e.getMessage()));
        }
    }

    /** The verdict on {@code op} from the two listings. */
    public static Row judge(String runtime, String arch, BarrierOp op, List<Line> image, List<Line> baseline, BarrierTable table) {
        Ordering required = table.requirement(op).ordering();
        int[] span = ownCode(image, baseline);
        List<Line> code = image.subList(span[0], span[1]);
        List<Line> context = image.subList(Math.max(0, span[0] - 2), Math.min(image.size(), span[1] + 2));
        List<Recipe> recipes = table.recipes(arch, required);
        if (recipes.isEmpty()) {
            return new Row(runtime, op, required, Verdict.NO_TABLE, "no recipe for " + required.noun + " on " + arch + " in " + table.source(), code, context);
        }
        for (Recipe r : recipes) {
            if (matches(r.steps(), code)) return new Row(runtime, op, required, Verdict.OK, r.name(), code, context);
        }
        StringBuilder no = new StringBuilder();
        for (Recipe r : recipes) no.append(no.isEmpty() ? "no " : ", no ").append(r.name());
        return new Row(runtime, op, required, Verdict.MISSING, no.toString(), code, context);
    }

    private record Outcome(Verdict verdict, String detail) {}

    private static Row row(String runtime, BarrierOp op, Ordering required, Outcome o) {
        return new Row(runtime, op, required, o.verdict(), o.detail(), List.of(), List.of());
    }

    /** Why an image that is not there cannot be judged. */
    private static Outcome notJudged(JitImage i, boolean baseline) {
        String what = baseline ? "the program without the op: " : "";
        return switch (i.status()) {
            case NOT_JITED -> new Outcome(Verdict.NOT_JITED, what + "loaded, but the kernel reports no JIT image (its interpreter runs it)");
            case REFUSED -> i.errno() == ENOTSUPP ? new Outcome(Verdict.NOT_JITED, what + "the JIT refuses it (ENOTSUPP; the JIT is always on, so the load fails)")
                    : new Outcome(Verdict.ERROR, what + "load refused: " + i.detail());
            case WITHHELD -> new Outcome(Verdict.ERROR, what + "the kernel withholds JIT images (kernel.kptr_restrict, or no CAP_SYSLOG)");
            default -> new Outcome(Verdict.ERROR, what + i.detail() + (i.errno() != 0 ? " (errno " + i.errno() + ")" : ""));
        };
    }

    /** The kernel's ENOTSUPP: a JIT that cannot compile an instruction, with the JIT always on. */
    private static final int ENOTSUPP = 524;

    /** A verifier's words for an instruction it does not know (6.1: "BPF_ATOMIC uses invalid atomic opcode 100", "unknown opcode d3"). */
    private static final Pattern UNKNOWN = Pattern.compile("(?m)^.*(invalid atomic opcode|unknown opcode).*$");

    /** The verifier's line saying it does not know the instruction, or null. */
    private static String unknownToVerifier(JitImage i) {
        if (i.status() != JitImage.Status.REFUSED || i.errno() == ENOTSUPP) return null;
        java.util.regex.Matcher m = UNKNOWN.matcher(i.log());
        return m.find() ? m.group().strip() : null;
    }

    /** Whether {@code steps} match lines of {@code code} in order. */
    static boolean matches(List<Pattern> steps, List<Line> code) {
        int at = 0;
        for (Pattern p : steps) {
            while (at < code.size() && !p.matcher(code.get(at).text()).find()) at++;
            if (at == code.size()) return false;
            at++;
        }
        return true;
    }

    private static final Pattern NUMBER = Pattern.compile("0x[0-9a-f]+");

    /**
     * The op's own code: from the first to the last line of {@code image} outside a longest common
     * subsequence with {@code baseline} (lines compared without their numbers: branch targets and
     * addresses move by the op's length). [from, to) in {@code image}.
     */
    static int[] ownCode(List<Line> image, List<Line> baseline) {
        int n = image.size(), m = baseline.size();
        String[] a = new String[n], b = new String[m];
        for (int i = 0; i < n; i++) a[i] = NUMBER.matcher(image.get(i).text()).replaceAll("N");
        for (int j = 0; j < m; j++) b[j] = NUMBER.matcher(baseline.get(j).text()).replaceAll("N");
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        }
        int from = -1, to = -1;
        for (int i = 0, j = 0; i < n; ) {
            if (j < m && a[i].equals(b[j]) && lcs[i][j] == lcs[i + 1][j + 1] + 1) {
                i++;
                j++;
            } else if (j < m && lcs[i][j + 1] >= lcs[i + 1][j]) {
                j++;
            } else {
                if (from < 0) from = i;
                to = i + 1;
                i++;
            }
        }
        return from < 0 ? new int[] {0, 0} : new int[] {from, to};
    }
}
