/* A bounded loop summing the input and a countdown loop. */
__attribute__((section("xdp"), used)) unsigned long prog(unsigned long *p) {
    unsigned long s = 0;
    for (int i = 0; i < 8; i++) s += p[i] * (unsigned long) (i + 1);
    unsigned int n = (unsigned int) p[0] & 15;
    while (n--) s = s * 3 + 1;
    return s;
}
