/* Straight-line arithmetic only: no relocation at all.
   calls: */
__attribute__((section("xdp"), used)) unsigned long prog(unsigned long *p) {
    unsigned long a = p[0], b = p[1];
    unsigned int c = (unsigned int) a * 7u;
    return (a << 3) ^ (b >> 5) ^ c ^ (unsigned long) ((long) a >> 2);
}
