package org.crosscheck.memmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.crosscheck.memmodel.Litmus.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LitmusParserTest {
    static final String GOOD = """
            BPF Every+Form.litmus
            (* a comment (* nested *)
               over two lines *)
            {
             0:r1=x; 0:r2=0x10; 1:r3=-5;
             int y = 3; z=x; uint64_t w;
            }
             P0                                  | P1                                   ;
             r4 = *(u8 *)(r1 + 0)                | L1: r5 = load_acquire((u16 *)(r3 - 8)) ;
             *(u64 *)(r1 + 4) = r4               | store_release((u32 *)(r3 + 0), r5)   ;
             *(u32 *)(r1 + 0) = -1               | if r5 s>= 2 goto L1                  ;
             r6 = atomic_fetch_xor((u32 *)(r1 + 0), r6) | lock *(u64 *)(r3 + 0) |= r2  ;
             r3 = xchg32_32(r1 + 0, r6)          | r0 = cmpxchg_64(r3 + 0, r0, r2)      ;
             r7 s>>= 3                           | goto END                             ;
             r7 |= r4                            | END:                                 ;
            locations [0:r7; y]
            ~exists (0:r4=1 \\/ ~(1:r5=2 /\\ [x]=z) /\\ true)
            """;

    @Test
    void readsEveryInstructionForm() {
        Litmus t = LitmusParser.parse("good.litmus", GOOD);
        assertEquals("Every+Form", t.name());
        assertEquals(List.of(new RegInit(0, 1, new Sym("x"), 5), new RegInit(0, 2, new Num(16), 5), new RegInit(1, 3, new Num(-5), 5)), t.regInits());
        assertEquals(List.of(new LocInit("y", new Num(3), 6), new LocInit("z", new Sym("x"), 6), new LocInit("w", new Num(0), 6)), t.locInits());
        assertEquals(List.of(
                new Load(Width.U8, 4, new Addr(1, 0), false, 9),
                new Store(Width.U64, new Addr(1, 4), new Reg(4), false, 10),
                new Store(Width.U32, new Addr(1, 0), new Imm(-1), false, 11),
                new Fetch(RmwOp.XOR, Width.U32, new Addr(1, 0), 6, 12),
                new Fetch(RmwOp.XCHG, Width.U32, new Addr(1, 0), 6, 13),
                new Alu(AluOp.ARSH, 7, new Imm(3), 14),
                new Alu(AluOp.OR, 7, new Reg(4), 15)), t.threads().get(0).code());
        assertEquals(List.of(
                new Label("L1", 9),
                new Load(Width.U16, 5, new Addr(3, -8), true, 9),
                new Store(Width.U32, new Addr(3, 0), new Reg(5), true, 10),
                new If(JumpCond.SGE, 5, new Imm(2), "L1", 11),
                new Lock(RmwOp.OR, Width.U64, new Addr(3, 0), 2, 12),
                new CmpXchg(Width.U64, new Addr(3, 0), 2, 13),
                new Goto("END", 14),
                new Label("END", 15)), t.threads().get(1).code());
        assertEquals(List.of(new RegRef(0, 7), new LocRef("y")), t.locations());
        Prop p = new Or(new Atom(new RegRef(0, 4), new Num(1)),
                new And(new Not(new And(new Atom(new RegRef(1, 5), new Num(2)), new Atom(new LocRef("x"), new Sym("z")))), new Const(true)));
        assertEquals(new Final(Quantifier.NOT_EXISTS, p, 17), t.condition());
    }

    @Test
    void printsBackToAnEqualTest() {
        Litmus t = LitmusParser.parse("good.litmus", GOOD);
        String text = LitmusPrinter.format(t);
        Litmus back = LitmusParser.parse("printed", text);
        assertEquals(t.threads().get(0).code().size(), back.threads().get(0).code().size());
        assertEquals(text, LitmusPrinter.format(back));
        assertEquals(LitmusPrinter.prop(t.condition().prop()), LitmusPrinter.prop(back.condition().prop()));
    }

    @ParameterizedTest(name = "line {1}: {2}")
    @CsvSource(delimiterString = "@@", quoteCharacter = '"', value = {
        "X86 T\\n{}\\n P0 ;\\n r1 = 1 ;\\nexists (0:r1=1)                   @@ 1 @@ expected header 'BPF <name>', found 'X86'",
        "BPF\\n                                                   @@ 1 @@ lacks the test name",
        "BPF T\\n\\n 0:r1=x;\\n                                        @@ 3 @@ expected '{'",
        "BPF T\\n{ 0:r1=x;\\n 0:r11=y; }\\n P0 ;\\nexists (x=1)          @@ 3 @@ unknown register 'r11'",
        "BPF T\\n{ 0:r1=x;\\n 0:r1=y; }\\n P0 ;\\nexists (x=1)           @@ 3 @@ register 0:r1 is initialised twice",
        "BPF T\\n{ 0:r1=x;\\n what is this; }\\n P0 ;\\nexists (x=1)     @@ 3 @@ cannot read initial-state entry 'what is this'",
        "BPF T\\n{ 0:r1=x; }\\n P1 | P0 ;\\n ;\\nexists (x=1)               @@ 3 @@ thread column 1 is 'P1', expected 'P0'",
        "BPF T\\n{ 0:r1=x; }\\n P0 | P1 ;\\n r2 = 1 ;\\nexists (x=1)         @@ 4 @@ row has 1 columns but the test has 2 threads",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\n r2 := 3 ;\\nexists (x=1) @@ 5 @@ P0: cannot parse instruction 'r2 := 3'",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n\\n r2 = load_acquire(r1) ;\\nexists (x=1) @@ 5 @@ malformed instruction 'r2 = load_acquire(r1)' (expected rD = load_acquire((uN *)(rB + off)))",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\n goto OUT ;\\nexists (x=1) @@ 5 @@ undefined label OUT in P0",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n L: ;\\n L: ;\\nexists (x=1)         @@ 5 @@ label L defined twice in P0",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\n r3 = 2\\nexists (x=1)     @@ 5 @@ code row is not terminated by ';'",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\n                                @@ 4 @@ missing final condition",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\nexists (0:r2=1 /\\ 3:r1=0)  @@ 5 @@ thread 3 does not exist",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\nexists (0:r2=)              @@ 5 @@ bad value ')'",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\nexists (0:r2=1\\n             @@ 5 @@ unexpected end of file: expected ')' closing '('",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\nexists (0:r2=1)\\n\\nfoo          @@ 7 @@ unexpected 'foo' after the final condition",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\nmaybe (0:r2=1)              @@ 5 @@ missing final condition",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\nlocations [0:r2; 7]\\nexists (x=1) @@ 5 @@ expected ':' after thread number 7, found ']'",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\n(* open\\nexists (x=1)        @@ 5 @@ comment '(*' is never closed",
        "BPF T\\n{ 0:r1=x; }\\n P0 ;\\n r2 = 1 ;\\nexists (r2=1)               @@ 5 @@ expected a location or 'N:rX', found 'r2'",
    })
    void malformedInputNamesFileLineAndProblem(String text, int line, String problem) {
        LitmusException e = assertThrows(LitmusException.class, () -> LitmusParser.parse("bad.litmus", text.replace("\\n", "\n")));
        assertEquals("bad.litmus", e.file());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.problem().contains(problem), e.problem());
        assertTrue(e.getMessage().startsWith("bad.litmus:" + line + ": "), e.getMessage());
    }
}
