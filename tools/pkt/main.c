/* pkt — the libpkt command-line tool: subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pkt/pkt.h"

static const struct pkt_cli_command commands[] = {
    {"read", "print the packets of capture files", pkt_cmd_read},
    {"stats", "counts, rates, protocol hierarchy, conversations of capture files",
     pkt_cmd_stats},
    {"follow", "reassemble TCP streams: tcpflow's files, or one stream as tshark follows it",
     pkt_cmd_follow},
    {"convert", "convert between pcap and pcapng", pkt_cmd_convert},
    {"bench", "time reading and decoding a capture file in memory", pkt_cmd_bench},
    {"devices", "list capture devices and their addresses", pkt_cmd_devices},
    {"capture", "capture packets from a device", pkt_cmd_capture},
    {"inject", "send the packets of a capture file out of a device", pkt_cmd_inject},
    /* flows feature */
    {"flows", "flow records (Zeek conn.log names, CSV, TSV, IPFIX export)", pkt_cmd_flows},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: pkt [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'pkt COMMAND --help' describes a command.\n"
               "Exit status: 0 ok, 1 the input had errors (what was read was still printed),\n"
               "2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return PKT_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return PKT_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("%s\n", pkt_version());
        return PKT_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "pkt: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return PKT_EXIT_USAGE;
}
