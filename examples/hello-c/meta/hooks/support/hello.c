#include <stdio.h>

int main(int argc, char **argv) {
  const char *who = argc > 1 ? argv[1] : "world";
  printf("Hello, %s! (%d arguments)\n", who, argc - 1);
  return 0;
}
