#include "cli.h"
int pkt_cmd_stats(int argc, char **argv) { (void)argc; (void)argv; return 2; }
