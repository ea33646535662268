/* 64-bit arithmetic and logic, a 64-bit constant (lddw). */
__attribute__((section("xdp"), used)) unsigned long prog(unsigned long *p) {
    unsigned long a = p[0], b = p[1];
    unsigned long x = a * 0x9e3779b97f4a7c15ul + b;
    x ^= (a | b) - (a & ~b);
    return -x + a * b;
}
