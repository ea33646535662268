/* Initialized data holding addresses of data: .rel.data relocations (pointer words of the region). */
int a[4] = {1, 2, 3, 4};
int *p = &a[2];
int **pp = &p;
int b2 = 9;
int *q = &b2;
static int s = 5;
int *r = &s;
__attribute__((section("xdp"), used)) int f(void *ctx) { return **pp + *q + *r; }
