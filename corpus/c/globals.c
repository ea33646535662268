/* Global data: .data, .rodata and .bss, global and static, read and written. */
int counter;
static long total = 100;
const int table[4] = {1, 2, 3, 5};
__attribute__((section("xdp"), used)) long prog(long *p) {
    unsigned int i = (unsigned int) p[0] & 3;
    counter++;
    total += table[i];
    return total + counter;
}
