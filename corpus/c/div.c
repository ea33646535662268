/* Unsigned division and modulo, 32 and 64 bits (divisors forced non-zero). */
__attribute__((section("xdp"), used)) unsigned long prog(unsigned long *p) {
    unsigned long a = p[0], b = p[1] | 1;
    unsigned int wa = (unsigned int) p[2], wb = (unsigned int) p[3] | 1;
    return a / b + a % b + wa / wb + wa % wb + a / 7 + wa % 10;
}
