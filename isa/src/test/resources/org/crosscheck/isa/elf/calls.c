/* Calls from a named section into .text: a static and a global function, one calling another.
   The test checks that every local call lands on the entry of the function it names.
   calls: twice thrice */
volatile int seed = 3;

__attribute__((noinline)) static int twice(int x) { return x * 2 + 1; }
__attribute__((noinline)) int thrice(int x) { return twice(x) * 3; }

__attribute__((section("xdp"), used)) int prog(void) {
    int s = seed;
    return twice(s) + thrice(s + 1);
}
