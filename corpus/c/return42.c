/* No memory, no relocation: what every runtime returns is 42. */
__attribute__((noinline)) static int add(int a, int b) { return a + b; }
__attribute__((section("xdp"), used)) int prog(void) {
    volatile int x = 40;
    return add(x, 2);
}
